"""feed.xml: parses with a feed parser, validates (ids, updated, links), newest first, and
every page links it from its head."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax import saxutils

import feedparser
import pytest
from conftest import PORTAL, edit, nianbao
from nianbao.feed import LATEST, escape, feed, quoteattr
from nianbao.model import Agency, Filed, Site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("feed") / "site"
    assert nianbao("build", "--content", PORTAL, "--out", out).code == 0
    return out


def test_feed_parses_and_has_ids_updated_and_links(site: Path) -> None:
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "示例市政府信息公开工作年度报告"
    assert feed.feed.id.startswith("urn:uuid:")
    assert feed.feed.updated == "2023-02-03T00:00:00+08:00"  # demo-bureau 2022's correction
    assert [link.rel for link in feed.feed.links] == ["alternate", "self"]
    assert feed.feed.links[1].href == "https://www.example.gov.cn/ndbg/feed.xml"
    entries = feed.entries
    assert len(entries) == 4  # town-a's 2022 report gives no published date: not in the feed
    assert len({e.id for e in entries}) == 4
    assert all(e.id.startswith("urn:uuid:") and e.updated and e.published for e in entries)
    dates = [e.updated for e in entries]
    assert dates == sorted(dates, reverse=True)
    assert entries[0].title == "示例市数据局2022年政府信息公开工作年度报告"
    assert entries[0].link == "https://www.example.gov.cn/ndbg/demo-bureau/2022/"


def test_without_url_links_are_relative_to_the_feed(portal: Path, tmp_path: Path) -> None:
    edit(portal / "site.yaml", "url: https://www.example.gov.cn/ndbg/\n", "")
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    feed = feedparser.parse(
        (out / "feed.xml").read_bytes(),
        response_headers={
            "content-location": "https://x.test/a/feed.xml",
            "content-type": "application/atom+xml",
        },
    )
    assert not feed.bozo
    assert feed.entries[0].link == "https://x.test/a/demo-bureau/2022/"


def test_entry_ids_stay_when_the_site_moves(portal: Path, tmp_path: Path) -> None:
    def ids(out: Path) -> list[str]:
        return [e.id for e in feedparser.parse((out / "feed.xml").read_bytes()).entries]

    assert nianbao("build", "--content", portal, "--out", tmp_path / "a").code == 0
    edit(portal / "site.yaml", "https://www.example.gov.cn/ndbg/", "https://new.example.gov.cn/x/")
    assert nianbao("build", "--content", portal, "--out", tmp_path / "b").code == 0
    assert ids(tmp_path / "a") == ids(tmp_path / "b")


def test_every_page_links_the_feed_from_its_head(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        head = page.read_text("utf-8").split("</head>")[0]
        assert 'rel="alternate" type="application/atom+xml"' in head, page
    report = (site / "demo-bureau/2021/index.html").read_text("utf-8")
    assert 'href="../../feed.xml"' in report


def test_a_correction_updates_its_entry_and_is_told(site: Path) -> None:
    """更正说明 reach feed readers: the entry's updated is the correction's date, and the
    summary says what changed and why (published stays the first publication)."""
    entry = feedparser.parse((site / "feed.xml").read_bytes()).entries[0]
    assert entry.title == "示例市数据局2022年政府信息公开工作年度报告"
    assert entry.published == "2023-01-12T00:00:00+08:00"
    assert entry.updated == "2023-02-03T00:00:00+08:00"
    assert entry.summary == (
        "示例市数据局发布的 2022 年度政府信息公开工作年度报告。"
        "更正说明（2023-02-03）：表三 （一）予以公开 / 自然人 由 4 改为 5；原因：录入错误。"
    )


def test_a_new_correction_rewrites_the_feed_in_a_warm_build(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    edit(
        portal / "demo-bureau" / "2022" / "report.yaml",
        "    why: 录入错误\n",
        "    why: 录入错误\n  - date: 2023-03-01\n    what: 表二 行政许可 由 9 改为 10\n    why: 漏统计\n",
    )
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    entry = feedparser.parse((out / "feed.xml").read_bytes()).entries[0]
    assert entry.updated == "2023-03-01T00:00:00+08:00"
    assert entry.summary.endswith(
        "更正说明（2023-03-01）：表二 行政许可 由 9 改为 10；原因：漏统计。"
    )
    clean = tmp_path / "clean"
    assert nianbao("build", "--content", portal, "--out", clean).code == 0
    assert (out / "feed.xml").read_bytes() == (clean / "feed.xml").read_bytes()


def test_the_newest_entries_of_many_reports_in_order() -> None:
    """More reports than the feed keeps, many published the same day: the newest LATEST,
    by date, then agency, then year, newest first."""
    agencies = [
        Agency(
            f"a{n:03}",
            f"机关{n}",
            "department",
            f"content/a{n:03}/agency.yaml",
            filed={
                year: Filed(year, "2021", f"{year + 1}-0{1 + (n * year) % 3}-1{n % 2}", "")
                for year in (2021, 2022, 2023)
            },
        )
        for n in range(40)
    ]
    expected = sorted(
        ((r.published, a.slug, y) for a in agencies for y, r in a.filed.items()), reverse=True
    )[:LATEST]
    text = feed(Site("年报", "示例市"), agencies).data.decode("ascii")
    links = re.findall(r'<link rel="alternate" type="text/html" href="(a\d+)/(\d+)/"', text)
    dates = re.findall(r"<published>(\S+)T", text)
    assert [(d, slug, int(y)) for d, (slug, y) in zip(dates, links, strict=True)] == expected


@pytest.mark.parametrize(
    "text", ["", "a&b<c>d", 'say "hi"', "it's", "\"both\" 'quotes'", "tab\there\nline\r&amp;"]
)
def test_escapes_are_the_standard_librarys(text: str) -> None:
    assert escape(text) == saxutils.escape(text)
    assert quoteattr(text) == saxutils.quoteattr(text)
