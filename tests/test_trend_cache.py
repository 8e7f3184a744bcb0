"""The home page's trend after an edit: the figures of the years whose data did not change
are kept (trendcache) rather than summed again, and the page is the one a clean build
makes; a kept file that is odd is ignored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PORTAL, nianbao
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao import trendcache
from nianbao.region import trend, trend_of, year_figures
from test_build import tree
from test_incremental import CHANGES, full_build

# edits of cells the trend sums (table 三), each moving one request from 予以公开 to
# 不予公开 (totals unchanged: still valid; 公开率 changes), or back when made already
SUMMED = [
    (
        "town-a/2022/report.yaml",
        [
            ("disclosed: [1, 0, 0, 0, 0, 0, 1]", "disclosed: [0, 0, 0, 0, 0, 0, 0]"),
            ("state_secret: [0, 0, 0, 0, 0, 0, 0]", "state_secret: [1, 0, 0, 0, 0, 0, 1]"),
        ],
    ),
    (
        "demo-bureau/2022/report.yaml",
        [
            ("disclosed: [2, 2, 0, 0, 1, 0]", "disclosed: [1, 2, 0, 0, 1, 0]"),
            ("state_secret: [0, 0, 0, 0, 0, 0]", "state_secret: [1, 0, 0, 0, 0, 0]"),
        ],
    ),
]


def _toggle(content: Path, which: int) -> None:
    path, swaps = SUMMED[which]
    text = (content / path).read_text("utf-8")
    back = f"    {swaps[0][0]}" not in text
    for old, new in swaps:
        old, new = (new, old) if back else (old, new)
        assert f"    {old}" in text
        text = text.replace(f"    {old}", f"    {new}", 1)
    (content / path).write_text(text, "utf-8")


def _home(out: Path) -> str:
    return (out / "index.html").read_text("utf-8")


def test_a_narrative_edit_keeps_every_years_figures(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    kept = tmp_path / ".nianbao-cache" / "site" / trendcache.NAME
    before = kept.stat().st_mtime_ns
    assert trendcache.read(kept.parent)
    CHANGES["edit a narrative"](content)
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 0, run.out
    assert kept.stat().st_mtime_ns == before  # the same years' data: nothing new to keep
    assert tree(out) == full_build(content, tmp_path)


@pytest.mark.parametrize("damage", ["absent", "a byte changed", "another file's"])
def test_kept_figures_that_are_odd_are_worked_out_again(tmp_path: Path, damage: str) -> None:
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    kept = tmp_path / ".nianbao-cache" / "site" / trendcache.NAME
    if damage == "absent":
        kept.unlink()
    elif damage == "a byte changed":
        data = bytearray(kept.read_bytes())
        data[-1] ^= 1
        kept.write_bytes(bytes(data))
    else:
        kept.write_bytes((kept.parent / "manifest.bin").read_bytes())
    assert trendcache.read(kept.parent) == {}
    CHANGES["edit 结转 across two years"](content)
    assert nianbao("build", "--content", content, "--out", out).code == 0
    assert trendcache.read(kept.parent)
    assert tree(out) == full_build(content, tmp_path)


def test_wrong_kept_figures_would_show(tmp_path: Path) -> None:
    """The test above can fail: figures kept under a year's digest are what the page shows."""
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    state = tmp_path / ".nianbao-cache" / "site"
    kept = trendcache.read(state)
    forged = {d: (f[0], f[1], 99, f[3]) if f else f for d, f in kept.items()}
    trendcache.write(state, forged)
    (out / "index.html").unlink()  # made again, from the same years' data
    assert nianbao("build", "--content", content, "--out", out).code == 0
    assert " / 99</td>" in _home(out)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.sampled_from(range(len(SUMMED))), min_size=1, max_size=3))
def test_figures_edited_one_after_another(tmp_path: Path, edits: list[int]) -> None:
    """Edits of summed cells, build after build: the home page a clean build makes."""
    work = tmp_path / str(len(list(tmp_path.iterdir())))
    content = work / "content"
    shutil.copytree(PORTAL, content)
    out = work / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    homes = {_home(out)}
    for i in edits:
        _toggle(content, i)
        assert nianbao("build", "--content", content, "--out", out).code == 0
        homes.add(_home(out))
    clean = work / "clean"
    assert nianbao("build", "--content", content, "--out", clean).code == 0
    assert _home(out) == _home(clean)
    assert len(homes) > 1  # the edits move the trend


def test_the_trend_is_its_years_figures() -> None:
    """trend() and trend_of(year_figures) are one computation (the warm build uses the
    second, with some years' figures kept)."""
    from nianbao.build import check
    from nianbao.coverage import region_years
    from nianbao.model import Site

    agencies = check(PORTAL).agencies
    site = Site("示例", "示例市")
    figures = {y: year_figures(y, agencies, site.region) for y in region_years(agencies)}
    assert len(figures) > 1 and trend(site, agencies) is not None
    assert trend_of(site, figures) == trend(site, agencies)
