"""The site as a portal serves it: Debian's nginx with its stock MIME types, under a
sub-path. Search (Pagefind) finds a report by a Chinese phrase in Chromium; the search
and /data/ pages pass axe and the Nu HTML Checker; every link, data files included,
resolves over HTTP."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from browser import AXE_JS, AXE_OPTIONS, Chromium, format_violations, vnu_errors
from conftest import PORTAL, edit, nianbao
from webserver import nginx

PREFIX = "/xxgk/ndbg/"
PHRASE = "政务公开日活动"  # written into one narrative only (demo-bureau 2021)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("nginx")
    content = work / "content"
    shutil.copytree(PORTAL, content)
    edit(content / "site.yaml", "base_url: /", f"base_url: {PREFIX}\nsearch: true")
    with (content / "demo-bureau/2021/overview.md").open("a", encoding="utf-8") as f:
        f.write(f"\n全年举办{PHRASE}十二场，邀请群众代表走进机关。\n")
    out = work / "site"
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 0, run.out
    assert run.lines[-1].startswith("已建立搜索索引")
    return out


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, "", b""


def test_data_files_arrive_whole_and_readable(site: Path) -> None:
    with nginx(site, PREFIX) as base:
        status, kind, body = fetch(base + "data/2021/cells.csv")
        # no MIME type for .csv in Debian's list: a download, which the BOM makes UTF-8
        assert (status, kind) == (200, "application/octet-stream")
        assert (
            body.startswith(b"\xef\xbb\xbf") and body == (site / "data/2021/cells.csv").read_bytes()
        )
        status, kind, body = fetch(base + "demo-bureau/2021/data.json")
        assert (status, kind) == (200, "application/json")  # JSON is UTF-8 by definition
        assert json.loads(body)["agency_name"] == "示例市数据局"
        status, kind, body = fetch(base + "data/2021/reports.xlsx")
        assert status == 200 and kind.endswith("spreadsheetml.sheet") and body[:2] == b"PK"
        status, kind, body = fetch(base + "feed.xml")
        assert (status, kind) == (200, "text/xml")
        assert not feedparser.parse(body, response_headers={"content-type": kind}).bozo
        status, kind, body = fetch(base + "pagefind/pagefind.js")
        assert (status, kind) == (200, "application/javascript")
        for wasm in (site / "pagefind").glob("wasm.*.pagefind"):
            assert fetch(base + "pagefind/" + wasm.name)[0] == 200


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "canonical":
            return  # the one absolute address, on purpose
        for name in ("href", "src"):
            if a.get(name):
                self.links.append(a[name] or "")


def crawl(base: str) -> tuple[set[str], list[str]]:
    """Every address reachable from the home page by links; the broken ones."""
    seen, broken, todo = set(), [], [base]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        status, kind, body = fetch(url)
        if status != 200:
            broken.append(url)
            continue
        if not kind.startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        for link in parser.links:
            target = urljoin(url, link).split("#")[0]
            if not urlsplit(target).path.startswith(PREFIX):
                broken.append(f"{url} → {link}")
            else:
                todo.append(target)
    return seen, broken


def test_every_link_resolves_over_http_under_a_sub_path(site: Path) -> None:
    with nginx(site, PREFIX) as base:
        seen, broken = crawl(base)
    assert broken == []
    paths = {urlsplit(u).path.removeprefix(PREFIX) for u in seen}
    data_files = {
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.suffix in (".csv", ".json", ".xlsx") and "pagefind" not in p.parts
    }
    assert len(data_files) == 4 * 4 + 5 * 4  # per year: 4 files; per report: data.json + 3 CSV
    assert data_files <= paths, sorted(data_files - paths)
    assert "feed.xml" in paths and "search/index.html" in paths


def search(page: object, term: str) -> list[str]:
    page.fill("#search-input", term)  # type: ignore[attr-defined]
    page.press("#search-input", "Enter")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => /找到|没有找到|无法加载/.test(document.getElementById('search-status').textContent)"
    )
    return page.eval_on_selector_all(  # type: ignore[attr-defined]
        "#search-results a", "links => links.map(a => a.href)"
    )


def test_a_chinese_phrase_finds_its_report(chromium: Chromium, site: Path) -> None:
    with nginx(site, PREFIX) as base, chromium.page(base + "search/") as page:
        found = search(page, PHRASE)
        assert found == [base + "demo-bureau/2021/index.html"]
        status = page.text_content("#search-status")
        assert status == "找到 1 份年报。"
        assert PHRASE in (page.text_content("#search-results li p") or "")  # the excerpt
        marked = page.eval_on_selector_all(
            "#search-results mark", "ms => ms.map(m => m.textContent)"
        )
        assert marked and all(word in PHRASE for word in marked)  # segmented words, marked
        assert search(page, "zqxjvw") == []
        assert page.text_content("#search-status") == "没有找到包含“zqxjvw”的年报。"
        # the links to the Word file, the data files and other years are not indexed: they
        # are on every report page and would open every excerpt ("WPS" is only in the note
        # under the data downloads)
        assert search(page, "WPS") == []
        page.keyboard.press("Shift+Tab")  # from the input, back by keyboard only
        found = search(page, "示例市数据局")
        years = ("2019", "2020", "2021", "2022")
        assert {base + f"demo-bureau/{y}/index.html" for y in years} <= set(found)
        page.click("#search-results a >> nth=0")
        assert page.url.startswith(base + "demo-bureau/")


def test_search_page_with_results_passes_axe(chromium: Chromium, site: Path) -> None:
    with nginx(site, PREFIX) as base, chromium.page(base + "search/?q=" + PHRASE) as page:
        page.wait_for_selector("#search-results li")
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [str(n["target"]) for n in v["nodes"]],
        }
        for v in result["violations"]
    ]
    assert not violations, format_violations(violations)


@pytest.mark.parametrize("path", ["data/index.html", "2021/index.html", "index.html"])
def test_pages_pass_axe_under_nginx(chromium: Chromium, site: Path, path: str) -> None:
    with nginx(site, PREFIX) as base:
        violations = chromium.axe_violations(base + path)
    assert not violations, format_violations(violations)


def test_search_and_data_pages_pass_the_nu_html_checker(site: Path) -> None:
    assert vnu_errors([site / "search/index.html", site / "data/index.html"]) == []


def test_other_pages_carry_no_script(site: Path) -> None:
    for page in site.rglob("*.html"):
        if page.relative_to(site).parts[0] not in ("search", "pagefind"):
            assert "<script" not in page.read_text("utf-8"), page
