"""benchmarks/scale.py --phases wraps the build's functions by name: each name must still
be one (a renamed function made the whole instrumented 100,000-report run fail at its end)."""

from __future__ import annotations

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
