"""The built pages: golden files, official labels in order, numbers as published, links."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import PORTAL, ROOT, edit, nianbao
from nianbao.formats import all_formats, leaf_paths

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "site"
    run = nianbao("build", "--content", PORTAL, "--out", out)
    assert run.code == 0, run.out
    return out


@pytest.mark.parametrize(
    ("page", "golden"),
    [
        ("demo-bureau/2022/index.html", "report-2021-format.html"),
        ("demo-bureau/2020/index.html", "report-2019-format.html"),
        ("demo-bureau/2021/index.html", "report-across-format-change.html"),
    ],
)
def test_report_page_matches_golden(
    site: Path, page: str, golden: str, update_golden: bool
) -> None:
    """Run `pytest --update-golden` after an intended change, then review the diff."""
    html = (site / page).read_text("utf-8")
    path = GOLDEN / golden
    if update_golden:
        path.write_text(html, "utf-8")
    assert path.exists(), f"missing golden file {path}: run pytest --update-golden"
    assert html == path.read_text("utf-8")


class Text(HTMLParser):
    """Text of every <th>, <td> and <caption> of the standard tables, in document order;
    ``data`` holds the <td> alone."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.data: list[str] = []
        self._in: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("class", None) not in attrs:
            classes = dict(attrs).get("class") or ""
            if "standard" in classes.split():
                self._depth += 1
        if self._depth and tag in ("th", "td", "caption"):
            self._in = tag
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._depth:
            self._depth -= 1
        if tag == "td" and self._in == "td":
            self.data.append(self.cells[-1])
        if tag in ("th", "td", "caption"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.cells[-1] += data.strip()


def table_texts(html: str) -> list[str]:
    parser = Text()
    parser.feed(html)
    return parser.cells


def table_values(html: str) -> list[str]:
    """Every data cell of the standard tables, in document order."""
    parser = Text()
    parser.feed(html)
    return parser.data


def official_labels(fmt_id: str) -> list[str]:
    """Every label of a format's three tables, in the order the template prints them."""
    fmt = all_formats()[fmt_id]
    labels: list[str] = []
    for section in fmt.sections:
        if not section.table:
            continue
        table = fmt.tables[section.table]
        if table.layout == "blocks":
            for block in table.blocks:
                labels.append(block.caption)
                labels.append(table.corner)
                labels.extend(c.label for c in block.columns)
                labels.extend(r.label for r in block.rows)
        else:
            if table.corner:
                labels.append(table.corner)

            def heads(nodes):  # type: ignore[no-untyped-def]
                level = list(nodes)
                while level:
                    labels.extend(n.label for n in level)
                    level = [c for n in level for c in n.children]

            heads(table.columns)
            seen: set[int] = set()
            for path in leaf_paths(table.rows):
                for node in path:
                    if id(node) not in seen:
                        seen.add(id(node))
                        labels.append(node.label)
    return labels


@pytest.mark.parametrize(
    ("page", "fmt"), [("demo-bureau/2022", "2021"), ("demo-bureau/2020", "2019")]
)
def test_every_official_label_appears_in_order(site: Path, page: str, fmt: str) -> None:
    cells = table_texts((site / page / "index.html").read_text("utf-8"))
    position = 0
    for label in official_labels(fmt):
        assert label in cells[position:], f"{label} missing or out of order"
        position = cells.index(label, position) + 1
    # the counts: 2021 has 10 + 175 + 15 data cells, 2019 has 22 + 161 + 15
    values = table_values((site / page / "index.html").read_text("utf-8"))
    assert len(values) == {"2021": 200, "2019": 198}[fmt]


def test_seed_report_numbers_as_published(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", ROOT / "content", "--out", out).code == 0
    html = (out / "shanggao-kjj/2021/index.html").read_text("utf-8")
    assert table_values(html) == ["0"] * 200  # every cell of the published report is 0


def test_report_shows_cell_values_at_their_headers(site: Path) -> None:
    html = (site / "demo-bureau/2022/index.html").read_text("utf-8")
    # 2022 row 一 as written in report.yaml (total computed from six numbers)
    text = (PORTAL / "demo-bureau/2022/report.yaml").read_text("utf-8")
    received = re.search(r"received:\s+\[([^\]]+)\]", text)
    assert received
    numbers = [int(x) for x in received.group(1).split(",")]
    row = re.search(r'<th id="t-requests-r-received"[^>]*>[^<]*</th>\n(.*?)</tr>', html, re.S)
    assert row
    shown = re.findall(r">(\d+)</td>", row.group(1))
    assert shown == [str(n) for n in [*numbers, sum(numbers)]]


def test_narrative_raw_html_is_not_rendered(site: Path) -> None:
    html = (site / "town-a/2022/index.html").read_text("utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 原样显示" in html
    assert '<div class="table-scroll" role="region" aria-label="正文中的表格" tabindex="0">' in html


def test_comparison_marks_format_change_not_comparable(site: Path) -> None:
    html = (site / "demo-bureau/2021/index.html").read_text("utf-8")
    assert "与 2020 年度比较" in html
    row = re.search(r"<th scope=\"row\">行政规范性文件（本年制发）</th>(.*?)</tr>", html, re.S)
    assert row and "不可比" in row.group(1)
    row = re.search(r"<th scope=\"row\">新收申请</th>(.*?)</tr>", html, re.S)
    assert row and "不可比" not in row.group(1)


def test_year_page_sums_the_region(site: Path) -> None:
    html = (site / "2022/index.html").read_text("utf-8")
    foot = re.search(r"<tfoot>(.*?)</tfoot>", html, re.S)
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert foot and body
    rows = [
        [int(v) for v in re.findall(r'<td class="num">(\d+)</td>', r)]
        for r in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]
    totals = [int(v) for v in re.findall(r'<td class="num">(\d+)</td>', foot.group(1))]
    assert len(rows) == 2
    assert totals == [a + b for a, b in zip(*rows, strict=True)]


# ---------------------------------------------------------------------------------------
# Links: every internal link and asset resolves, at the root and under a sub-path


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "link" and a.get("rel") == "canonical":
            return  # the one absolute address a page carries on purpose
        for name in ("href", "src"):
            value = a.get(name)
            if value:
                self.links.append(value)


def broken_links(site: Path, base_url: str) -> list[str]:
    broken = []
    for page in sorted(site.rglob("*.html")):
        parser = Links()
        parser.feed(page.read_text("utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                broken.append(f"{page.relative_to(site)}: external link {link}")
                continue
            if not parts.path:
                if parts.fragment and parts.fragment not in parser.ids:
                    broken.append(f"{page.relative_to(site)}: missing #{parts.fragment}")
                continue
            if page.name == "404.html":  # served anywhere, so it links from base_url
                assert parts.path.startswith(base_url), link
                target = site / unquote(parts.path).removeprefix(base_url)
            else:
                target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or site.resolve() not in target.resolve().parents:
                broken.append(f"{page.relative_to(site)}: {link}")
    return broken


@pytest.mark.parametrize("base_url", ["/", "/xxgk/ndbg/"])
def test_every_internal_link_resolves(portal: Path, tmp_path: Path, base_url: str) -> None:
    edit(portal / "site.yaml", "base_url: /", f"base_url: {base_url}")
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    assert broken_links(out, base_url) == []
    home = (out / "index.html").read_text("utf-8")
    assert 'href="demo-bureau/2022/index.html"' in home
    report = (out / "demo-bureau/2022/index.html").read_text("utf-8")
    assert 'href="../../assets/style.css"' in report
    not_found = (out / "404.html").read_text("utf-8")
    assert f'href="{base_url}assets/style.css"' in not_found


def test_link_checker_can_fail(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<a href="nowhere/index.html">x</a><a href="#nope">y</a>')
    assert broken_links(tmp_path, "/") == [
        "index.html: nowhere/index.html",
        "index.html: missing #nope",
    ]


def test_every_page_is_reachable_from_the_home_page(site: Path) -> None:
    """Following links from index.html reaches every page but 404.html."""
    seen, todo = set(), [site / "index.html"]
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        parser = Links()
        parser.feed(page.read_text("utf-8"))
        for link in parser.links:
            path = urlsplit(link).path
            if path.endswith(".html"):
                todo.append((page.parent / unquote(path)).resolve())
    pages = {p.resolve() for p in site.rglob("*.html")} - {(site / "404.html").resolve()}
    assert sorted(str(p.relative_to(site.resolve())) for p in pages - seen) == []


def test_sitemap_lists_pages_with_absolute_urls(site: Path) -> None:
    xml = (site / "sitemap.xml").read_text("utf-8")
    assert "<loc>https://www.example.gov.cn/ndbg/demo-bureau/2022/</loc>" in xml
    assert "<loc>https://www.example.gov.cn/ndbg/</loc>" in xml
    assert "404" not in xml


def test_footnotes_render_as_footnotes_with_their_own_anchors(site: Path) -> None:
    """[^1] in two narratives of one page: two notes, each linked both ways, ids apart."""
    html = (site / "demo-bureau/2022/index.html").read_text("utf-8")
    assert 'href="note"' not in html and "[^1]" not in html
    for part in ("overview", "problems"):
        assert f'<a href="#fn-{part}-1" id="fnref-{part}-1">[1]</a>' in html
        assert f'<li id="fn-{part}-1" class="footnote-item">' in html
        assert (
            f'<a href="#fnref-{part}-1" class="footnote-backref" aria-label="返回引用处">' in html
        )
