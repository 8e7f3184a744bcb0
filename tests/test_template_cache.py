"""Compiled templates are kept in the output's cache folder (render._bytecode_cache): the
next build's renderer loads them instead of compiling, an edited template is compiled
again (build and serve), a damaged file is compiled over, and none of it is in the site."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import jinja2
import pytest
from conftest import PORTAL, edit
from nianbao import agencywork, outdir
from nianbao.build import build
from test_serve_templates import Serving, theme

REPORT = "town-a/2022/index.html"


def compiled(out: Path) -> list[Path]:
    """The compiled templates kept for the output ``out``."""
    folder = outdir.target(out, str(out)).state / "jinja"
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every template Jinja compiles from its source from now on."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: Any, name: Any = None, *a: Any, **k: Any) -> Any:
        names.append(name or "")
        return original(self, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def site(tmp_path: Path) -> tuple[Path, Path, Path]:
    content, templates, out = tmp_path / "content", tmp_path / "templates", tmp_path / "site"
    shutil.copytree(PORTAL, content)
    templates.mkdir()
    assert build(content, templates, out, jobs=1).written
    return content, templates, out


def rebuild(content: Path, templates: Path, out: Path) -> None:
    """A build in a new process, as far as rendering goes: no renderer of this one kept."""
    agencywork._RENDERERS.clear()
    assert build(content, templates, out, jobs=1).written


def test_the_next_build_loads_the_compiled_templates(tmp_path: Path, compiles: list[str]) -> None:
    content, templates, out = site(tmp_path)
    kept = compiled(out)
    assert kept, "no compiled template kept"
    assert not any(p.name.endswith(".cache") for p in out.rglob("*"))  # not in the site
    edit(content / "town-a/2022/overview.md", "。", "。补充一句。")
    compiles.clear()
    rebuild(content, templates, out)
    assert compiles == []  # report.html and what it includes, loaded compiled
    assert "补充一句。" in (out / REPORT).read_text("utf-8")


def test_an_edited_template_is_compiled_again(tmp_path: Path, compiles: list[str]) -> None:
    content, templates, out = site(tmp_path)
    for marker in ("第一版标记", "第二版标记"):  # the same length: only the text differs
        (templates / "report.html").write_text(theme("report.html", marker), "utf-8")
        compiles.clear()
        rebuild(content, templates, out)
        assert "report.html" in compiles
        assert marker in (out / REPORT).read_text("utf-8")


def test_an_edited_template_under_serve_is_compiled_again(tmp_path: Path) -> None:
    serving = Serving(tmp_path)
    for marker, other in (("第一版标记", "第二版标记"), ("第二版标记", "第一版标记")) * 2:
        assert serving.save_template("report.html", theme("report.html", marker)).written
        page = (serving.out / REPORT).read_text("utf-8")
        assert marker in page
        assert other not in page
    assert compiled(serving.out)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_compiled_template_is_compiled_over(
    tmp_path: Path, compiles: list[str], damage: str
) -> None:
    content, templates, out = site(tmp_path)
    for path in compiled(out):
        data = path.read_bytes()
        path.write_bytes(b"\x00garbage" * 8 if damage == "garbage" else data[: len(data) // 2])
    edit(content / "town-a/2022/overview.md", "。", "。补充一句。")
    compiles.clear()
    rebuild(content, templates, out)
    assert "report.html" in compiles
    assert "补充一句。" in (out / REPORT).read_text("utf-8")
    edit(content / "town-a/2022/overview.md", "补充一句。", "补充两句。")
    compiles.clear()
    rebuild(content, templates, out)  # written again whole: loaded from now on
    assert compiles == []
