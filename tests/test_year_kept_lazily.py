"""A year's kept entries and rows (yearmodel, yearrows) are not written again after an
edit of a few reports: the next build makes those again from their records. Build after
build, edits of different reports (summed cells, so the year's sums move) leave the site
a clean build makes; past REWRITE_AFTER reports made afresh, the files are written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PORTAL, nianbao
from nianbao import yearmodel
from test_build import tree
from test_incremental import full_build
from test_trend_cache import SUMMED, _toggle


def _kept(tmp_path: Path) -> dict[str, int]:
    """The year files kept, by their times."""
    state = tmp_path / ".nianbao-cache" / "site"
    folders = (state / yearmodel.FOLDER, state / yearmodel.ROWS_FOLDER)
    return {f"{p.parent.name}/{p.name}": p.stat().st_mtime_ns for f in folders for p in f.iterdir()}


@pytest.mark.parametrize("limit", [yearmodel.REWRITE_AFTER, 0])
def test_edits_of_different_reports_one_after_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    monkeypatch.setattr(yearmodel, "REWRITE_AFTER", limit)
    monkeypatch.setattr("nianbao.yearrows.REWRITE_AFTER", limit)
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out, "--jobs", "1").code == 0
    before = _kept(tmp_path)
    for which in (0, 1, 0, 1, 1):
        _toggle(content, which)
        run = nianbao("build", "--content", content, "--out", out, "--jobs", "1")
        assert run.code == 0, run.out
        assert tree(out) == full_build(content, tmp_path)
    assert len(SUMMED) == 2
    after = _kept(tmp_path)
    if limit:
        assert after == before  # two reports made again each build: nothing written
    else:
        assert after != before
