"""The national website metadata on every page: ``<meta name="SiteName">`` and the rest.

Government portals tag each page with these and their monitoring and evaluation tools read
them. The report column sits inside the host portal's 政府信息公开 column, so the site's
names are the host portal's, from site.yaml's ``portal``; the page's own title, date and
source come from the page and the report's data.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

COLUMN_TYPE = "信息公开年报"
COLUMN_NAME = "政府信息公开工作年度报告"


def portal_meta(page: Any) -> list[tuple[str, str]]:
    """(name, content) pairs for the page's head, in a fixed order; empty values left out."""
    site = page.site
    portal: dict[str, str] = site.portal
    report = getattr(page, "report", None)
    agency = getattr(page, "agency", None)
    domain = portal.get("site_domain") or (urlsplit(site.url).hostname if site.url else "")
    source = (
        agency.name
        if agency is not None
        else portal.get("content_source") or site.footer.get("organizer") or ""
    )
    published = report.published.isoformat() if report and report.published else ""
    pairs = [
        ("SiteName", portal.get("site_name") or site.title),
        ("SiteDomain", domain or ""),
        ("SiteIDCode", portal.get("site_id_code") or site.footer.get("site_code", "")),
        ("ColumnName", portal.get("column_name") or COLUMN_NAME),
        ("ColumnType", portal.get("column_type") or COLUMN_TYPE),
        ("ArticleTitle", page.title),
        ("PubDate", published),
        ("ContentSource", source),
    ]
    return [(name, value) for name, value in pairs if value]
