"""The build key depends on what changes the output's bytes only: the same content built
from another working directory, or through ``python -m nianbao``, renders nothing again and
leaves the same bytes, while the problems are printed with the paths as given each time
(buildkey.output_part)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import nianbao
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
