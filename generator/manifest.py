"""The record a build leaves beside its output folder, so the next build redoes only what
changed (in the cache folder: see outdir).

For each agency: the signature and digest of its folder, what pages other than its own need
to know of it (name, group, key figures of each year), the warnings its last check found,
and the fingerprint of each of its pages. A page's fingerprint is a digest of everything it
is rendered from; a page whose fingerprint is unchanged is not rendered again.

The file is JSON Lines: a header, then one line per agency. A warm build copies the line of
every unchanged agency as it was read, so writing the manifest of a 10,000-report portal
costs little more than writing the lines of the agencies that changed. The second line
holds what was written to each output file (size, time, digest), so a warm build notices a
page changed or removed by hand and renders it again.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .model import Agency, Filed, Summary
from .problems import Problem

Stamp = tuple[int, int, str]  # size, modification time (ns), digest of the bytes written

NAME = "manifest.jsonl"
VERSION = 4


@dataclass
class AgencyRecord:
    slug: str
    signature: str
    digest: str
    agency: Agency | None  # without reports; None when agency.yaml could not be read
    problems: list[Problem] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)  # page path → fingerprint
    line: bytes | None = field(default=None, repr=False)  # as read, while unchanged

    def json_line(self) -> bytes:
        if self.line is None:
            doc = {
                "slug": self.slug,
                "signature": self.signature,
                "digest": self.digest,
                "agency": _agency_json(self.agency),
                "problems": [list(asdict(p).values()) for p in self.problems],
                "pages": self.pages,
            }
            self.line = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
        return self.line


@dataclass
class Manifest:
    key: str  # the generator, theme, templates and site.yaml this build was made with
    agencies: dict[str, AgencyRecord] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # site-wide pages → fingerprint
    files: dict[str, Stamp] = field(default_factory=dict)  # every output file as written

    def all_pages(self) -> dict[str, str]:
        out = dict(self.pages)
        for record in self.agencies.values():
            out.update(record.pages)
        return out


def _agency_json(a: Agency | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "name": a.name,
        "kind": a.kind,
        "path": a.path,
        "short_name": a.short_name,
        "group": a.group,
        "order": a.order,
        "contact": a.contact,
        "since": a.since,
        "until": a.until,
        "summaries": [[s.year, s.format, s.values] for s in a.summaries.values()],
        "sketches": [[year, s] for year, s in a.sketches.items()],
        "filed": [
            [
                f.year,
                f.format,
                f.published,
                f.values,
                [list(u) for u in f.units],
                [list(r) for r in f.revisions],
            ]
            for f in a.filed.values()
        ],
    }


def _agency_from(slug: str, d: dict[str, Any] | None) -> Agency | None:
    if d is None:
        return None
    summaries = {
        year: Summary(slug, year, fmt, tuple(values)) for year, fmt, values in d["summaries"]
    }
    filed = {
        year: Filed(
            year,
            fmt,
            published,
            values,
            tuple((c, u) for c, u in units),
            tuple((date, what, why) for date, what, why in revisions),
        )
        for year, fmt, published, values, units, revisions in d["filed"]
    }
    return Agency(
        slug=slug,
        name=d["name"],
        kind=d["kind"],
        path=d["path"],
        short_name=d["short_name"],
        group=d["group"],
        order=d["order"],
        contact=d["contact"],
        since=d["since"],
        until=d["until"],
        summaries=summaries,
        sketches={
            year: {name: tuple(hashes) for name, hashes in s.items()}
            for year, s in d.get("sketches", [])
        },
        filed=filed,
    )


def dumps(m: Manifest) -> bytes:
    header = {"version": VERSION, "key": m.key, "pages": m.pages}
    lines = [json.dumps(header, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()]
    lines.append(json.dumps({"files": m.files}, ensure_ascii=False, separators=(",", ":")).encode())
    lines.extend(r.json_line() for _, r in sorted(m.agencies.items()))
    return b"\n".join(lines) + b"\n"


def read(state: Path) -> Manifest | None:
    """The manifest kept in ``state``, or None if there is none we can trust."""
    try:
        lines = (state / NAME).read_bytes().splitlines()
        header = json.loads(lines[0])
        if header.get("version") != VERSION:
            return None
        files = {
            p: (int(a), int(b), str(c)) for p, (a, b, c) in json.loads(lines[1])["files"].items()
        }
        agencies = {}
        for line in lines[2:]:
            r = json.loads(line)
            slug = r["slug"]
            agencies[slug] = AgencyRecord(
                slug=slug,
                signature=r["signature"],
                digest=r["digest"],
                agency=_agency_from(slug, r["agency"]),
                problems=[Problem(*p) for p in r["problems"]],
                pages=r["pages"],
                line=line,
            )
        return Manifest(header["key"], agencies, header["pages"], files)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None  # absent, unreadable or from another version: build from scratch


def write(m: Manifest, state: Path) -> None:
    state.mkdir(parents=True, exist_ok=True)
    tmp = state / f"{NAME}.tmp"
    tmp.write_bytes(dumps(m))
    os.replace(tmp, state / NAME)
