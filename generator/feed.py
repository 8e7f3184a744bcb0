"""The Atom feed (``feed.xml``): the latest reports by published date, so readers and
portals learn of a new report without visiting the site.

The file is pure ASCII (Chinese as character references), so it reads right however a
portal's web server labels it. Entry ids are ``urn:uuid`` names derived from the region and the report, so they stay the
same when the site moves. Links are relative to the feed (RFC 4287 resolves them against
its address) unless ``url`` gives the site's full address.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from .model import Agency, Filed, Site
from .outputs import Output, report_path, report_title

LATEST = 50  # entries: a feed says what is new, the site keeps the rest
FEED_PATH = "feed.xml"


def _entries(agencies: list[Agency]) -> list[tuple[str, Agency, Filed]]:
    """(updated date, agency, report): a correction (更正说明) makes a report new again."""
    # the newest LATEST of every report: a heap, not a sort (a build digests this, and
    # a region may have tens of thousands of reports); (slug, year) is never tied
    dated = [
        (_updated(record), a.slug, record.year, a, record)
        for a in agencies
        for record in a.filed.values()
        if record.published
    ]
    return [(d, a, record) for d, _, _, a, record in heapq.nlargest(LATEST, dated)]


def _updated(record: Filed) -> str:
    if not record.revisions:
        return record.published
    return max([record.published, *(date for date, _, _ in record.revisions)])


# (updated date, slug, year, its line in the feed's digest): one agency's part of the digest
Entry = tuple[str, str, int, str]


def feed_entries(agency: Agency) -> list[Entry]:
    """The agency's part of ``digest_text``: kept by the manifest (agencyfacts), so a
    build combines the parts of agencies it did not read."""
    a = agency
    return [
        (d, a.slug, r.year, f"{d}\t{a.slug}\t{a.name}\t{r.year}\t{r.published}\t{r.revisions!r}")
        for r in a.filed.values()
        if r.published
        for d in (_updated(r),)
    ]


def digest_text(agencies: list[Agency]) -> str:
    return entries_text(e for a in agencies for e in feed_entries(a))


def entries_text(entries: Iterable[Entry]) -> str:
    """What the feed is made from: its LATEST entries' lines ((date, slug, year) is never
    tied: the same choice and order as ``_entries``)."""
    return "\n".join(line for _, _, _, line in heapq.nlargest(LATEST, entries))


def _stamp(date: str) -> str:
    return f"{date}T00:00:00+08:00"  # a date, in China's time zone


def _id(site: Site, slug: str, year: int | None = None) -> str:
    import uuid  # here: with it comes `platform`, which a build that writes no feed never needs

    name = f"nianbao:{site.region}:{slug}" + (f"/{year}" if year else "")
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _summary(agency: Agency, record: Filed) -> str:
    text = f"{agency.name}发布的 {record.year} 年度政府信息公开工作年度报告。"
    for date, what, why in record.revisions:
        text += f"更正说明（{date}）：{what}；原因：{why}。"
    return text


def escape(text: str) -> str:
    """``xml.sax.saxutils.escape`` (which imports urllib, http and ssl: 30 ms of a cold
    build's last, busiest second)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """``xml.sax.saxutils.quoteattr``: escaped, in the quotes it does not hold."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


def feed(site: Site, agencies: list[Agency]) -> Output:
    entries = _entries(agencies)
    base = site.url or ""
    updated = _stamp(entries[0][0]) if entries else "2000-01-01T00:00:00+08:00"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"  <title>{escape(site.title)}</title>",
        f"  <subtitle>{escape(site.region)}各机关政府信息公开工作年度报告（按发布日期，最新 {LATEST} 份）</subtitle>",
        f"  <id>{_id(site, '')}</id>",
        f"  <updated>{updated}</updated>",
        f"  <author><name>{escape(site.footer.get('organizer') or site.title)}</name></author>",
        f'  <link rel="alternate" type="text/html" href={quoteattr(base or "./")}/>',
    ]
    if site.url:
        lines.append(
            f'  <link rel="self" type="application/atom+xml" href={quoteattr(base + FEED_PATH)}/>'
        )
    lines.append("  <generator>nianbao</generator>")
    for updated_on, agency, record in entries:
        year = record.year
        href = base + report_path(agency.slug, year).removesuffix("index.html")
        lines += [
            "  <entry>",
            f"    <title>{escape(report_title(agency, year))}</title>",
            f"    <id>{_id(site, agency.slug, year)}</id>",
            f"    <published>{_stamp(record.published)}</published>",
            f"    <updated>{_stamp(updated_on)}</updated>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(href)}/>',
            f"    <summary>{escape(_summary(agency, record))}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    # ASCII with character references: portals serve .xml as text/xml without a charset,
    # which feed readers take for US-ASCII (RFC 3023); these bytes read the same either way.
    return Output(FEED_PATH, ("\n".join(lines) + "\n").encode("ascii", "xmlcharrefreplace"))
