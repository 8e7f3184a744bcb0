"""benchmarks/scale.py --phases wraps the build's functions by name: each name must still
be one (a renamed function made the whole instrumented 100,000-report run fail at its end)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import scale


@pytest.mark.parametrize(("module", "name", "label"), scale.PHASES)
def test_every_phase_names_a_function_of_the_build(module: str, name: str, label: str) -> None:
    owner, attribute = scale.phase_owner(module, name)
    assert callable(getattr(owner, attribute)), label


def test_a_renamed_function_is_reported() -> None:
    with pytest.raises(AttributeError):
        scale.phase_owner("sitepages", "trend")


def test_the_instrumented_build_is_the_one_nianbao_build_makes(tmp_path: Path) -> None:
    """A site built by ``--phases`` (kept with --keep-site) is built again warm by the
    command a user runs: same build key, nothing to update."""
    root = Path(scale.ROOT)
    portal, out = tmp_path / "content", tmp_path / "site"
    synth = [sys.executable, str(root / "benchmarks" / "synth.py"), str(portal)]
    subprocess.run([*synth, "--agencies", "3", "--years", "2"], check=True, capture_output=True)
    driver = [sys.executable, str(root / "benchmarks" / "scale.py"), "--driver"]
    subprocess.run([*driver, str(portal), str(out), "1"], cwd=root, check=True, capture_output=True)
    again = subprocess.run(
        [sys.executable, "-m", "nianbao", "build", "--content", str(portal), "--out", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert "更新 0 个" in again.stdout, again.stdout[-500:]
