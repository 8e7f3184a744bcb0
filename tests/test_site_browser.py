"""The built site in a real browser: axe-core (WCAG 2.x A/AA + td-has-header), the Nu HTML
Checker on every page, and no page-level horizontal scrolling at 320 px."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import Chromium, format_violations, serve, vnu_errors
from conftest import PORTAL, ROOT, nianbao

# One page of each type, and the pages that differ in kind (both formats, format change).
PAGES = [
    "index.html",
    "demo-bureau/index.html",
    "demo-bureau/2022/index.html",
    "demo-bureau/2021/index.html",
    "demo-bureau/2020/index.html",
    "town-a/2022/index.html",
    "2022/index.html",
    "2021/index.html",  # one report of two expected: the missing list
    "data/index.html",
    "404.html",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    assert nianbao("build", "--content", PORTAL, "--out", out).code == 0
    return out


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    assert nianbao("build", "--content", ROOT / "content", "--out", out).code == 0
    return out


@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_violations(chromium: Chromium, site: Path, page: str) -> None:
    with serve(site) as base:
        violations = chromium.axe_violations(base + page)
    assert not violations, format_violations(violations)


@pytest.mark.parametrize("page", PAGES)
def test_no_page_level_horizontal_scroll_at_320px(
    chromium: Chromium, site: Path, page: str
) -> None:
    with serve(site) as base:
        assert chromium.horizontal_overflow(base + page, width=320) <= 0


def test_nu_html_checker_finds_no_errors(site: Path, example: Path) -> None:
    pages = sorted(site.rglob("*.html")) + sorted(example.rglob("*.html"))
    assert len(pages) == 14 + 6  # with data/index.html
    assert vnu_errors(pages) == []


def test_example_report_page_passes_axe(chromium: Chromium, example: Path) -> None:
    with serve(example) as base:
        violations = chromium.axe_violations(base + "shanggao-kjj/2021/")
    assert not violations, format_violations(violations)


@pytest.fixture(scope="module")
def review_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review page (build --review) of a portal with findings to list."""
    root = tmp_path_factory.mktemp("review")
    content = root / "content"
    shutil.copytree(PORTAL, content)
    (content / "demo-bureau/2022/problems.md").write_text("暂无。\n", "utf-8")
    (content / "town-a/2022/other.md").write_text("无。\n", "utf-8")
    out = root / "site"
    assert nianbao("build", "--content", content, "--out", out, "--review").code == 0
    return out


def test_review_page_passes_axe_at_320px_and_the_nu_checker(
    chromium: Chromium, review_site: Path
) -> None:
    with serve(review_site) as base:
        violations = chromium.axe_violations(base + "review/")
        assert not violations, format_violations(violations)
        assert chromium.horizontal_overflow(base + "review/", width=320) <= 0
    assert vnu_errors([review_site / "review/index.html"]) == []
