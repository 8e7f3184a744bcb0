"""What a new portal team does: build the wheel, install it into a fresh venv, and go from
`nianbao init` to a built site with nothing of this repository beside it.

This test needs the package index (pip installs the wheel's dependencies); it takes about
a minute.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

SKIP = {".git", ".venv", "node_modules", "site", "dist", "build", "__pycache__"}


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the source tree (the working tree stays clean)."""
    src = tmp_path_factory.mktemp("src") / "nianbao"
    shutil.copytree(
        ROOT,
        src,
        ignore=lambda d, names: [
            n
            for n in names
            if n in SKIP or n.endswith((".egg-info", "_cache")) or n == ".hypothesis"
        ],
    )
    out = tmp_path_factory.mktemp("dist")
    built = run(sys.executable, "-m", "build", "--wheel", "--outdir", out, src, cwd=src)
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = out.glob("nianbao-*.whl")
    return found


def test_the_wheel_holds_the_package_and_its_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("nianbao-")}
    assert tops == {"nianbao"}  # no top-level `generator` to collide with other packages
    for needed in (
        "nianbao/formats/f2021.yaml",
        "nianbao/formats/f2019.yaml",
        "nianbao/theme/base.html",
        "nianbao/theme/static/style.css",
        "nianbao/portal_template/content/site.yaml",
        "nianbao/portal_template/dot-gitignore",
        "nianbao/portal_template/dot-github/workflows/nianbao.yml",
        "nianbao/importers/document.py",
    ):
        assert needed in names, needed


def test_a_new_portal_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", venv, cwd=tmp_path).returncode == 0
    pip = run(venv / "bin/python", "-m", "pip", "install", "-q", wheel, cwd=tmp_path)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    nianbao = venv / "bin" / "nianbao"

    assert run(nianbao, "init", "p", cwd=tmp_path).returncode == 0
    portal = tmp_path / "p"
    step = run(
        nianbao, "new-agency", "shiyan-kjj", "--name", "示例县科学技术局", "--kind", "department",
        cwd=portal,
    )  # fmt: skip
    assert step.returncode == 0, step.stderr
    assert run(nianbao, "new", "shiyan-kjj", "2024", cwd=portal).returncode == 0

    fresh = run(nianbao, "check", cwd=portal)
    assert fresh.returncode == 1
    assert sum("[P1]" in line for line in fresh.stdout.splitlines()) == 4

    for f in (portal / "content/shiyan-kjj/2024").iterdir():  # the clerk fills it in
        text = f.read_text("utf-8")
        text = (
            text.replace("待填", "0")
            if f.suffix == ".yaml"
            else re.sub(r"(?m)^待填$", "已填写。", text)
        )
        f.write_text(text, "utf-8")
    check = run(nianbao, "check", cwd=portal)
    assert (check.returncode, check.stdout) == (0, "检查通过：1 份年报，没有发现问题。\n")

    build = run(nianbao, "build", cwd=portal)
    assert build.returncode == 0, build.stdout + build.stderr
    page = (portal / "site/shiyan-kjj/2024/index.html").read_text("utf-8")
    assert "示例县科学技术局" in page and "（一）主动公开" in page
    assert (portal / "site/assets/style.css").is_file()
    schema = run(nianbao, "schema", cwd=portal)
    assert schema.stdout == (portal / "schemas/report-2021.schema.json").read_text("utf-8")
