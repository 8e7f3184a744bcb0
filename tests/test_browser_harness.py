"""The browser harness itself: each check fails on a page made to fail it, and passes a good one."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from browser import AXE_JS, Chromium, format_violations, serve, vnu_errors

pytest_plugins = ["browser"]

HTML = Path(__file__).resolve().parent / "fixtures" / "html"
GOOD = [HTML / "good.html", HTML / "site" / "index.html", HTML / "site" / "2023" / "index.html"]


def test_good_pages_have_no_axe_violations(chromium: Chromium) -> None:
    with serve(HTML) as base:
        for url in (base + "good.html", base + "site/", base + "site/2023/"):
            violations = chromium.axe_violations(url)
            assert violations == [], f"{url}\n{format_violations(violations)}"


def test_image_without_alt_is_a_violation(chromium: Chromium) -> None:
    violations = chromium.axe_violations(HTML / "no-alt.html")
    assert [v["id"] for v in violations] == ["image-alt"]
    assert violations[0]["impact"] == "critical"
    assert violations[0]["targets"] == ["img"]
    assert "image-alt (critical)" in format_violations(violations)


def test_td_without_header_is_a_violation(chromium: Chromium) -> None:
    """td-has-header is experimental in axe, so this proves the harness switches it on."""
    violations = chromium.axe_violations(HTML / "td-no-header.html")
    assert [v["id"] for v in violations] == ["td-has-header"]
    assert violations[0]["targets"] == ["table"]


def test_td_has_header_is_axe_experimental_rule(chromium: Chromium) -> None:
    with chromium.page(HTML / "good.html") as page:
        page.add_script_tag(path=AXE_JS)
        tags = page.evaluate("() => axe.getRules().find(r => r.ruleId === 'td-has-header').tags")
    assert "experimental" in tags


def test_wide_page_overflows_at_320(chromium: Chromium) -> None:
    assert chromium.horizontal_overflow(HTML / "too-wide.html") > 0
    assert chromium.horizontal_overflow(HTML / "too-wide.html", width=1024) <= 0


def test_good_page_fits_320_even_with_a_wide_table_in_its_own_scroller(
    chromium: Chromium,
) -> None:
    assert chromium.horizontal_overflow(HTML / "good.html") <= 0


def test_screenshot_writes_a_png(chromium: Chromium, tmp_path: Path) -> None:
    shot = chromium.screenshot(HTML / "good.html", tmp_path / "good.png", width=320, height=640)
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_relative_folder_links_resolve_over_http(chromium: Chromium) -> None:
    with serve(HTML) as base:
        with urllib.request.urlopen(base + "site/2023/") as response:
            assert "2023 年度报告" in response.read().decode("utf-8")
        with chromium.page(base + "site/") as page:
            page.click("text=2023 年度报告")
            assert page.url == base + "site/2023/"
            page.click("text=返回年报首页")
            assert page.url == base + "site/"


def test_vnu_reports_invalid_html_and_passes_valid_html_in_one_run() -> None:
    errors = vnu_errors([*GOOD, HTML / "too-wide.html", HTML / "invalid.html"])
    assert errors, "vnu found nothing in invalid.html"
    assert all(e.startswith(f"{HTML / 'invalid.html'}:") for e in errors), errors
    assert any("Stray end tag" in e for e in errors), errors


def test_vnu_with_no_files_is_empty() -> None:
    assert vnu_errors([]) == []


def test_vnu_refuses_a_missing_file(tmp_path: Path) -> None:
    """vnu itself only warns about a missing file, and --errors-only would drop that."""
    with pytest.raises(FileNotFoundError):
        vnu_errors([tmp_path / "missing.html"])
