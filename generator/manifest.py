"""The record a build leaves beside its output folder, so the next build redoes only what
changed (in the cache folder: see outdir).

For each agency: the signature and digest of its folder, what pages other than its own need
to know of it (name, group, key figures of each year), the warnings its last check found,
and the fingerprint of each of its pages. A page's fingerprint is a digest of everything it
is rendered from; a page whose fingerprint is unchanged is not rendered again. Beside them,
what was written to each output file (size, time, digest), so a warm build notices a page
changed or removed by hand and renders it again.

Every warm build reads and writes the whole record, so it is kept in the form Python reads
fastest: ``marshal`` of plain data (str, int, None, tuple, list, dict; never code or a
class to call), after a magic line and a CRC-32 of the bytes. Each agency is marshalled
on its own and kept as read while it is unchanged, so writing the record after one edit
costs little more than writing that agency. At 10,000 reports this reads in about a third
and writes in about a tenth of the time one JSON line per agency took. Anything odd about
the file (absent, cut short, a byte changed, another version or shape) means "no record".
"""

from __future__ import annotations

import gc
import json
import marshal
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Agency, Filed, Summary
from .problems import Problem

Stamp = tuple[int, int, str]  # size, modification time (ns), digest of the bytes written

NAME = "manifest.bin"
JSONL = "manifest.jsonl"  # nianbao ≤ 0.1.x's record: JSON Lines, the written files on line 2
VERSION = 5
MAGIC = b"nianbao manifest %d marshal %d\n" % (VERSION, marshal.version)
CHECK = 4  # bytes of CRC-32 after MAGIC: catches a file cut short or changed by accident


@dataclass
class AgencyRecord:
    slug: str
    signature: str
    digest: str
    agency: Agency | None  # without reports; None when agency.yaml could not be read
    problems: list[Problem] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)  # page path → fingerprint
    blob: bytes | None = field(default=None, repr=False, compare=False)  # as read, unchanged

    def marshalled(self) -> bytes:
        if self.blob is None:
            problems = [tuple(p.__dict__.values()) for p in self.problems]
            plain = (self.slug, self.signature, self.digest, _plain(self.agency), problems)
            self.blob = marshal.dumps((*plain, self.pages))
        return self.blob


@dataclass
class Manifest:
    key: str  # the generator, theme, templates and site.yaml this build was made with
    agencies: dict[str, AgencyRecord] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # site-wide pages → fingerprint
    files: dict[str, Stamp] = field(default_factory=dict)  # every output file as written


def _plain(a: Agency | None) -> tuple[Any, ...] | None:
    if a is None:
        return None
    summaries = [(s.year, s.format, s.values) for s in a.summaries.values()]
    filed = [
        (f.year, f.format, f.published, f.values, f.units, f.revisions) for f in a.filed.values()
    ]
    head = (a.name, a.kind, a.path, a.short_name, a.group, a.order, a.contact, a.since, a.until)
    return (*head, summaries, a.sketches, filed)


def _record(blob: bytes) -> AgencyRecord:
    slug, signature, digest, plain, problems, pages = marshal.loads(blob)
    agency = None
    if plain is not None:
        name, kind, path, short_name, group, order, contact, since, until, *rest = plain
        summaries, sketches, filed = rest
        agency = Agency(
            slug,
            name,
            kind,
            path,
            short_name,
            group,
            order,
            contact,
            since,
            until,
            summaries={y: Summary(slug, y, fmt, values) for y, fmt, values in summaries},
            sketches=sketches,
            filed={f[0]: Filed(*f) for f in filed},
        )
    problems = [Problem(*p) for p in problems]
    return AgencyRecord(slug, signature, digest, agency, problems, pages, blob)


def dumps(m: Manifest) -> bytes:
    blobs = [r.marshalled() for _, r in sorted(m.agencies.items())]
    data = marshal.dumps((m.key, m.pages, m.files, blobs))
    return MAGIC + zlib.crc32(data).to_bytes(CHECK, "big") + data


def loads(raw: bytes) -> Manifest | None:
    head = len(MAGIC) + CHECK
    if not raw.startswith(MAGIC) or len(raw) < head:
        return None
    data = memoryview(raw)[head:]
    if zlib.crc32(data).to_bytes(CHECK, "big") != raw[len(MAGIC) : head]:
        return None
    key, pages, files, blobs = marshal.loads(data)
    records = [_record(b) for b in blobs]
    if not (isinstance(key, str) and isinstance(pages, dict) and isinstance(files, dict)):
        return None
    return Manifest(key, {r.slug: r for r in records}, pages, files)


def read(state: Path) -> Manifest | None:
    """The manifest kept in ``state``, or None if there is none we can trust."""
    collecting = gc.isenabled()
    gc.disable()  # a few hundred thousand objects, none of them garbage: nothing to look for
    try:
        return loads((state / NAME).read_bytes())
    except FileNotFoundError:
        return _jsonl_files(state)
    except Exception:  # unreadable, damaged, another version or shape: no record
        return None
    finally:
        if collecting:
            gc.enable()


def _jsonl_files(state: Path) -> Manifest | None:
    """What an earlier nianbao's record says it wrote, and nothing else (its key matches
    no build): after an upgrade the output is still known as nianbao's and is built again
    from scratch, rather than refused."""
    try:
        with (state / JSONL).open("rb") as f:
            f.readline()
            files = json.loads(f.readline())["files"]
        return Manifest("", files={p: (int(a), int(b), str(c)) for p, (a, b, c) in files.items()})
    except Exception:  # absent or unreadable: no record
        return None


def unchanged(made: Manifest, old: Manifest) -> bool:
    """Whether ``made`` records what ``old`` (the record read, or kept by ``serve``) does:
    every agency's record the very one read, and the same site pages and output files. A
    build that changed nothing then need not write 16 MB (at 10,000 reports) again."""
    return (
        made.key == old.key
        and made.agencies.keys() == old.agencies.keys()
        and all(r is old.agencies[slug] for slug, r in made.agencies.items())
        and made.pages == old.pages
        and made.files == old.files
    )


def write(m: Manifest, state: Path) -> None:
    state.mkdir(parents=True, exist_ok=True)
    tmp = state / f"{NAME}.tmp"
    tmp.write_bytes(dumps(m))
    os.replace(tmp, state / NAME)
    (state / JSONL).unlink(missing_ok=True)
