"""The record a build leaves in its output folder, so the next build redoes only what changed.

For each agency: the signature and digest of its folder, what pages other than its own need
to know of it (name, group, key figures of each year), the warnings its last check found,
and the fingerprint of each of its pages. A page's fingerprint is a digest of everything it
is rendered from; a page whose fingerprint is unchanged is not rendered again.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .model import Agency, Summary
from .problems import Problem

NAME = ".nianbao-manifest.json"
VERSION = 1


@dataclass
class AgencyRecord:
    signature: str
    digest: str
    agency: Agency | None  # without reports; None when agency.yaml could not be read
    problems: list[Problem] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)  # page path → fingerprint


@dataclass
class Manifest:
    key: str  # the generator, theme, templates and site.yaml this build was made with
    agencies: dict[str, AgencyRecord] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # site-wide pages → fingerprint

    def all_pages(self) -> dict[str, str]:
        out = dict(self.pages)
        for record in self.agencies.values():
            out.update(record.pages)
        return out


def _agency_json(a: Agency | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "slug": a.slug,
        "name": a.name,
        "kind": a.kind,
        "path": a.path,
        "short_name": a.short_name,
        "group": a.group,
        "order": a.order,
        "contact": a.contact,
        "summaries": [
            [s.year, s.format, [list(f) for f in s.figures]] for s in a.summaries.values()
        ],
    }


def _agency_from(d: dict[str, Any] | None) -> Agency | None:
    if d is None:
        return None
    summaries = {
        year: Summary(d["slug"], year, fmt, tuple((k, v) for k, v in figures))
        for year, fmt, figures in d["summaries"]
    }
    return Agency(
        slug=d["slug"],
        name=d["name"],
        kind=d["kind"],
        path=d["path"],
        short_name=d["short_name"],
        group=d["group"],
        order=d["order"],
        contact=d["contact"],
        summaries=summaries,
    )


def dumps(m: Manifest) -> bytes:
    doc = {
        "version": VERSION,
        "key": m.key,
        "pages": m.pages,
        "agencies": {
            slug: {
                "signature": r.signature,
                "digest": r.digest,
                "agency": _agency_json(r.agency),
                "problems": [list(asdict(p).values()) for p in r.problems],
                "pages": r.pages,
            }
            for slug, r in sorted(m.agencies.items())
        },
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def read(out: Path) -> Manifest | None:
    """The manifest of the build in ``out``, or None if there is none we can trust."""
    try:
        doc = json.loads((out / NAME).read_bytes())
        if doc.get("version") != VERSION:
            return None
        agencies = {
            slug: AgencyRecord(
                signature=r["signature"],
                digest=r["digest"],
                agency=_agency_from(r["agency"]),
                problems=[Problem(*p) for p in r["problems"]],
                pages=r["pages"],
            )
            for slug, r in doc["agencies"].items()
        }
        return Manifest(doc["key"], agencies, doc["pages"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent, unreadable or from another version: build from scratch


def write(m: Manifest, out: Path) -> None:
    tmp = out / f"{NAME}.tmp"
    tmp.write_bytes(dumps(m))
    os.replace(tmp, out / NAME)
