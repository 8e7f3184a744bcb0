"""The build key depends on what changes the output's bytes only: the same content built
from another working directory, or through ``python -m nianbao``, reads no agency and
renders nothing again and leaves the same bytes, while the problems are printed with the
paths as given each time (the records keep them relative to the content folder)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Clock, edit, nianbao
from nianbao import agencywork
from test_warm_printed import with_warnings


def files_of(out: Path) -> dict[str, tuple[bytes, int]]:
    """Every output file's bytes and modification time (nanoseconds)."""
    return {
        p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def problem_lines(printed: str) -> list[str]:
    return [line for line in printed.splitlines() if "[R6]" in line or "[R7]" in line]


def test_another_folder_renders_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = with_warnings(tmp_path / "portal" / "content")
    out = tmp_path / "portal" / "site"
    monkeypatch.chdir(tmp_path)  # no templates/ folder in any working directory used
    first = nianbao("build", "--content", content, "--out", out)
    assert first.code == 0, first.out
    shown_first = problem_lines(first.out)
    assert shown_first and all(line.startswith(f"{content}/") for line in shown_first)
    before = files_of(out)

    monkeypatch.chdir(tmp_path / "portal")
    again = nianbao("build", "--content", "content", "--out", "site")
    assert again.code == 0, again.out
    assert "更新 0 个" in again.out  # warm, and nothing written
    # the same problems, shown as the content folder was given this time
    assert problem_lines(again.out) == [
        "content/" + line.removeprefix(f"{content}/") for line in shown_first
    ]
    assert files_of(out) == before

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    args = ["build", "--content", "../portal/content", "--out", "../portal/site"]
    run = subprocess.run(
        [sys.executable, "-m", "nianbao", *args],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "更新 0 个" in run.stdout
    assert problem_lines(run.stdout) == [
        "../portal/content/" + line.removeprefix(f"{content}/") for line in shown_first
    ]
    assert files_of(out) == before


def test_review_page_shows_the_new_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The review page prints the problems' paths: it alone is written again."""
    content = with_warnings(tmp_path / "content")
    out = tmp_path / "site"
    monkeypatch.chdir(tmp_path.parent)  # the same templates (none) in both folders
    assert nianbao("build", "--review", "--content", content, "--out", out).code == 0
    before = files_of(out)
    assert f"{content}/" in before["review/index.html"][0].decode()

    monkeypatch.chdir(tmp_path)
    again = nianbao("build", "--review", "--content", "content", "--out", "site")
    assert again.code == 0, again.out
    assert "更新 1 个" in again.out
    after = files_of(out)
    review = after.pop("review/index.html")[0].decode()
    assert f"{content}/" not in review and "content/demo-bureau/" in review
    del before["review/index.html"]
    assert after == before


def reading(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The agencies that in-process builds read from now on (agencywork.load_and_check; a
    warm build reads in this process)."""
    read: list[str] = []
    load = agencywork.load_and_check

    def counted(folder: agencywork.AgencyFolder, shown: str) -> tuple[object, list]:
        read.append(folder.slug)
        return load(folder, shown)

    monkeypatch.setattr(agencywork, "load_and_check", counted)
    return read


def add_error(content: Path) -> None:
    edit(content / "town-a/2022/report.yaml", "licensing: 5", "licensing: -5")


def line_break_in_a_name(content: Path) -> None:
    """A stray file whose name holds a line break: its warning's printed line cannot be
    re-based where it starts, so its agency's record keeps it as shown (BOUND)."""
    (content / "demo-bureau" / "说明\n草稿.txt").write_text("", "utf-8")


@pytest.mark.parametrize(
    ("portal", "change", "read_again"),
    [
        ("portal", None, []),
        ("门户 一:二", None, []),  # spaces, Chinese and a colon in the path as given
        ("portal", add_error, ["town-a"]),  # (the changed agency alone)
        ("portal", line_break_in_a_name, ["demo-bureau"]),  # (read by every build)
    ],
    ids=["warnings", "spaces-chinese-colon", "errors", "line-break"],
)
def test_another_folder_prints_what_a_fresh_build_prints_there(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clock: Clock,
    portal: str,
    change: object,
    read_again: list[str],
) -> None:
    root = tmp_path / portal
    content = with_warnings(root / "content")
    if change is line_break_in_a_name:
        change(content)
    clock.settled()  # the scan trusts the folders: an agency is read only if it changed
    monkeypatch.chdir(tmp_path)
    assert nianbao("build", "--content", content, "--out", root / "site").code == 0
    if change is add_error:
        change(content)
        clock.settled()

    monkeypatch.chdir(root)
    read = reading(monkeypatch)
    again = nianbao("build", "--content", "content", "--out", "site")
    assert read == read_again
    fresh = nianbao("build", "--content", "content", "--out", "fresh")
    assert (again.code, again.err) == (fresh.code, fresh.err)
    # R6 warnings (kept in the records), R7's (found across them), each path as given now
    lines = [line for line in again.lines if ": 警告: " in line or ": 错误: " in line]
    assert "[R6]" in again.out and "[R7]" in again.out and len(lines) >= 3
    assert f"{tmp_path}" not in again.out
    if change is not line_break_in_a_name:  # (whose warning is printed on two lines)
        assert all(line.startswith("content/") for line in lines)
    if change is not add_error:  # the last lines say where and how long: the rest byte for byte
        assert "更新 0 个" in again.lines[-1] and "更新" not in fresh.lines[-1]
        assert again.out.rsplit("\n", 2)[0] == fresh.out.rsplit("\n", 2)[0]
    else:  # errors: nothing written, nothing timed
        assert again.code == 1 and again.out == fresh.out


def test_site_yaml_problems_kept_for_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """site.yaml as parsed, with its problems, is kept once for every working directory
    (siteyaml.site_settings): printed with the paths as given now, without parsing it."""
    from nianbao import siteyaml

    content = with_warnings(tmp_path / "content")
    monkeypatch.chdir(tmp_path.parent)
    assert nianbao("build", "--content", content, "--out", tmp_path / "site").code == 0
    edit(content / "site.yaml", "base_url: /", "base_url: ndbg")
    first = nianbao("build", "--content", content, "--out", tmp_path / "site")
    assert first.code == 1 and f"{content}/site.yaml:" in first.out

    monkeypatch.chdir(tmp_path)
    parsed: list[str] = []
    parse = siteyaml._parsed

    def counted(*args: Any) -> Any:
        parsed.append("site.yaml")
        return parse(*args)

    monkeypatch.setattr(siteyaml, "_parsed", counted)
    again = nianbao("build", "--content", "content", "--out", "site")
    assert parsed == []
    fresh = nianbao("build", "--content", "content", "--out", "fresh")
    assert parsed == ["site.yaml"]  # (no cache folder yet)
    assert again.code == 1 and "content/site.yaml:3:11: 错误: base_url" in again.out
    assert again.out == fresh.out
