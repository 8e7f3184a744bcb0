"""feed.xml: parses with a feed parser, validates (ids, updated, links), newest first, and
every page links it from its head."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from conftest import PORTAL, edit, nianbao


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
    assert feed.feed.updated == "2023-01-12T00:00:00+08:00"  # the newest report's date
    assert [link.rel for link in feed.feed.links] == ["alternate", "self"]
    assert feed.feed.links[1].href == "https://www.example.gov.cn/ndbg/feed.xml"
    entries = feed.entries
    assert len(entries) == 4  # town-a's 2022 report gives no published date: not in the feed
    assert len({e.id for e in entries}) == 4
    assert all(e.id.startswith("urn:uuid:") and e.updated and e.published for e in entries)
    dates = [e.published for e in entries]
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
