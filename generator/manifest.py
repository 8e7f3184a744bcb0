"""The record a build leaves beside its output folder, so the next build redoes only what
changed (in the cache folder: see outdir).

For each agency: the signature and digest of its folder, what pages other than its own need
to know of it (name, group, key figures of each year), the warnings its last check found,
and the fingerprint of each of its pages. A page's fingerprint is a digest of everything it
is rendered from; a page whose fingerprint is unchanged is not rendered again. Beside them,
what was written to each output file (size, time, digest), so a warm build notices a page
changed or removed by hand and renders it again.

Every warm build reads the record, so it is kept in the form Python reads fastest:
``marshal`` of plain data (str, int, None, tuple, list, dict; never code or a class to
call), after a magic line and a CRC-32 of the bytes. Each agency is marshalled on its own
and kept as read while it is unchanged, its parts decoded only when asked for
(agencyrecord); so are the output files' stamps, per folder (filestamps: a build decodes
those of the folders it looks at or writes into). A build after an edit does not write the
whole
record (16 MB at 10,000 reports, most of it the 51,000 output files' stamps) again: it
writes what changed since the record was last written whole, the agencies and stamps,
beside it (``manifest.delta``, which names the record it amends by its CRC), and folds
that into a whole record once it has grown to an eighth of it. Anything odd about either
file (absent record, cut short, a byte changed, another version or shape, a delta of
another record) means "no record".
"""

from __future__ import annotations

import gc
import marshal
import mmap
import sys
import zlib
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .agencyrecord import AgencyRecord
from .filestamps import Chunks, Stamp, Stamps
from .records import CHECK, framed, replace_file, unframed
from .review.copying import Pair

NAME = "manifest.bin"
DELTA = "manifest.delta"  # what changed since manifest.bin was written (see Changes)
JSONL = "manifest.jsonl"  # nianbao ≤ 0.1.x's record: JSON Lines, the written files on line 2
VERSION = 8  # 8: agencies' parts decoded on demand (agencyrecord); 7: stamps per folder
# (filestamps); 6: Facts, R7's pairs
MAGIC = b"nianbao manifest %d marshal %d\n" % (VERSION, marshal.version)
OLDER = b"nianbao manifest "  # the start of every version's magic line
DELTA_MAGIC = b"nianbao manifest delta %d marshal %d\n" % (VERSION, marshal.version)
COMPACT = 8  # the delta is folded into a whole record once it is this share of it
STAMP_BYTES = 80  # about what one output file's stamp takes in the delta


@dataclass
class Changes:
    """What changed since the whole record was written: each agency's record (None:
    removed) and each output file's stamp (None: removed), the latest of each."""

    agencies: dict[str, tuple[Any, ...] | None] = field(default_factory=dict)  # plain()
    files: dict[str, Stamp | None] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """About how many bytes the delta takes."""
        records = sum(_size(r) for r in self.agencies.values() if r is not None)
        return records + STAMP_BYTES * len(self.files)


def _size(plain: tuple[Any, ...]) -> int:
    """About how many bytes an agency's record takes."""
    total, facts, body = plain[3], plain[6], plain[8]
    printed = facts[-1]
    return len(body) + STAMP_BYTES * total + (len(printed[2]) * 3 if printed else 0)


@dataclass
class Manifest:
    key: str  # the generator, theme, templates and site.yaml this build was made with
    agencies: dict[str, AgencyRecord] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # site-wide pages → fingerprint
    # every output file as written (a plain mapping given is made Stamps)
    files: MutableMapping[str, Stamp] = field(default_factory=Stamps)
    # R7: the estimated similarity of each pair of sections found by the index (copying)
    across: dict[Pair, float] = field(default_factory=dict)
    # the whole record (manifest.bin) this one amends, by its CRC and size (b"", 0: none
    # known), and what changed since it was written (in manifest.delta)
    base: bytes = field(default=b"", compare=False)
    base_size: int = field(default=0, compare=False)
    since: Changes = field(default_factory=Changes, compare=False)

    def __post_init__(self) -> None:
        self.files = Stamps.of(self.files)


def dumps(m: Manifest) -> bytes:
    records = [r.plain() for _, r in sorted(m.agencies.items())]
    return packed(m.key, m.pages, Stamps.of(m.files).chunks(), m.across, records)


# The whole record: the magic line, the CRC-32 of the rest, the head's size, the head
# (marshal: every value but the agencies' parts and the folders' stamps, which it places
# by offset and size), then those parts one after the other. Read, the file is mapped, not
# copied, and the parts are views of it: the 15 MB of parts (at 10,000 reports) a build
# after one edit does not decode are never copied, and mostly never read from the disk.
SIZE = 8  # bytes: the head's size


def packed(key: str, pages: dict, chunks: Chunks, across: dict, records: list) -> bytes:
    """The whole record of these (``records``: AgencyRecord.plain() of each)."""
    parts: list[bytes | memoryview] = []
    heads = []
    at = 0
    for slug, signature, digest, total, paths, pages_raw, facts, feed_raw, body in records:
        heads.append(
            (
                slug,
                signature,
                digest,
                total,
                paths,
                facts,
                at,
                len(pages_raw),
                len(feed_raw),
                len(body),
            )
        )
        parts += (pages_raw, feed_raw, body)
        at += len(pages_raw) + len(feed_raw) + len(body)
    folders = {}
    for folder, (count, data) in chunks.items():
        folders[folder] = (count, at, len(data))
        parts.append(data)
        at += len(data)
    head = marshal.dumps((key, pages, folders, across, heads))
    data = b"".join([len(head).to_bytes(SIZE, "big"), head, *parts])
    return MAGIC + zlib.crc32(data).to_bytes(CHECK, "big") + data


def unpacked(raw: bytes | mmap.mmap) -> tuple[str, dict, Chunks, dict, list[tuple[Any, ...]]]:
    """What ``packed`` was given, the parts as views of ``raw``; ValueError (or marshal's,
    or TypeError) if ``raw`` is not such a record, whole."""
    start = len(MAGIC) + CHECK + SIZE
    if raw[: len(MAGIC)] != MAGIC or len(raw) < start:
        raise ValueError("not a record")
    view = memoryview(raw)
    if zlib.crc32(view[start - SIZE :]).to_bytes(CHECK, "big") != raw[len(MAGIC) : start - SIZE]:
        raise ValueError("damaged")
    end = start + int.from_bytes(view[start - SIZE : start], "big")
    key, pages, folders, across, heads = marshal.loads(view[start:end])
    rest = view[end:]
    records = []
    for slug, signature, digest, total, paths, facts, at, a, b, c in heads:
        parts = (rest[at : at + a], rest[at + a : at + a + b], rest[at + a + b : at + a + b + c])
        records.append((slug, signature, digest, total, paths, parts[0], facts, *parts[1:]))
    chunks: Chunks = {f: (count, rest[at : at + size]) for f, (count, at, size) in folders.items()}
    return key, pages, chunks, across, records


def loads(raw: bytes | mmap.mmap, delta: bytes | None = None) -> Manifest | None:
    """The record in ``raw`` (manifest.bin) amended by ``delta`` (manifest.delta)."""
    try:
        key, pages, chunks, across, plain = unpacked(raw)
    except ValueError:
        return None
    records = [AgencyRecord.read(r) for r in plain]
    if not all(isinstance(x, dict) for x in (pages, across)) or not isinstance(key, str):
        return None
    base = raw[len(MAGIC) : len(MAGIC) + CHECK]
    m = Manifest(key, {r.slug: r for r in records}, pages, Stamps(chunks), across, base, len(raw))
    if delta is None:
        return m
    try:
        amends, key, pages, across, agencies, changed = unframed(DELTA_MAGIC, delta)
    except ValueError:
        return None
    if amends != base or not all(isinstance(x, dict) for x in (pages, across, agencies, changed)):
        return None
    m.key, m.pages, m.across = key, pages, across
    for slug, plain in agencies.items():
        if plain is None:
            m.agencies.pop(slug, None)  # (or added since the record, then removed)
        else:
            m.agencies[slug] = AgencyRecord.read(plain)
    files = m.files
    for path, stamp in changed.items():
        if stamp is None:
            files.pop(path, None)
        else:
            files[path] = stamp
    m.since = Changes(agencies, changed)
    return m


def read(state: Path) -> Manifest | None:
    """The manifest kept in ``state``, or None if there is none we can trust."""
    collecting = gc.isenabled()
    gc.disable()  # a few hundred thousand objects, none of them garbage: nothing to look for
    try:
        raw = _mapped(state / NAME)
        try:
            delta: bytes | None = (state / DELTA).read_bytes()
        except FileNotFoundError:
            delta = None
        if raw[: len(MAGIC)] != MAGIC and _version(raw[:100]) < VERSION:
            return _older_files(raw[:], delta)
        return loads(raw, delta)
    except FileNotFoundError:  # no manifest.bin
        return _jsonl_files(state)
    except Exception:  # unreadable, damaged, another version or shape: no record
        return None
    finally:
        if collecting:
            gc.enable()


def _mapped(path: Path) -> bytes | mmap.mmap:
    """The file's bytes, mapped (POSIX); read on Windows, where a file mapped cannot be
    replaced. Either way what is kept is what was read: a record is only ever replaced
    whole (records.replace_file), never changed in place."""
    if sys.platform == "win32":
        return path.read_bytes()
    with path.open("rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def _version(raw: bytes) -> int:
    """The version a record's magic line names (VERSION if it names none we know)."""
    if not raw.startswith(OLDER):
        return VERSION
    number = raw[len(OLDER) :].split(b" ", 1)[0]
    return int(number) if number.isdigit() else VERSION


def _older_files(raw: bytes, delta: bytes | None) -> Manifest | None:
    """What a record of an earlier version (4 to 7: the output files' stamps third in
    the whole record, per folder from 7 on, last in the delta) says was written, and
    nothing else, as for ``_jsonl_files``: the output is known as nianbao's and built
    again from scratch."""
    magic = raw[: raw.index(b"\n") + 1]
    whole = unframed(magic, raw)
    files = whole[2] if _version(raw) < 7 else dict(Stamps(whole[2]).items())
    if delta is not None:
        # a delta amending another record is read as none: its files are then unknown,
        # and the output refused, as any output with files nianbao did not record
        changes = unframed(delta[: delta.index(b"\n") + 1], delta)
        if changes[0] == raw[len(magic) : len(magic) + CHECK]:
            for path, stamp in changes[-1].items():
                if stamp is None:
                    files.pop(path, None)
                else:
                    files[path] = stamp
    return Manifest("", files={p: (int(a), int(b), str(c)) for p, (a, b, c) in files.items()})


def _jsonl_files(state: Path) -> Manifest | None:
    """What an earlier nianbao's record says it wrote, and nothing else (its key matches
    no build): after an upgrade the output is still known as nianbao's and is built again
    from scratch, rather than refused."""
    import json  # here: only an older nianbao's record is JSON

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
        and made.across == old.across
    )


def write(
    m: Manifest, state: Path, old: Manifest | None = None, touched: Iterable[str] | None = None
) -> None:
    """Write ``m`` into ``state``: given the record it follows (``old``, as read from
    ``state`` or written there last), only what changed since the whole record was
    written, while that is small; else the whole record. Nothing, if ``m`` records
    what ``old`` does. ``touched``: the output files written or removed since ``old``
    (any other stamp is as ``old`` has it), so as not to compare 50,000 stamps."""
    if old is not None and unchanged(m, old):  # nothing to write
        m.base, m.base_size, m.since = old.base, old.base_size, old.since
        return
    state.mkdir(parents=True, exist_ok=True)
    if old is not None and old.base:
        since = _since(old, m, touched)
        if since.size * COMPACT <= old.base_size:
            plain = (old.base, m.key, m.pages, m.across, since.agencies, since.files)
            replace_file(state / DELTA, framed(DELTA_MAGIC, plain))
            m.base, m.base_size, m.since = old.base, old.base_size, since
            return
    raw = dumps(m)
    replace_file(state / NAME, raw)
    # after the record: a delta left by a build interrupted here names the record
    # replaced, so it (and the record) is read as no record, never as a stale one
    (state / DELTA).unlink(missing_ok=True)
    (state / JSONL).unlink(missing_ok=True)
    m.base, m.base_size, m.since = raw[len(MAGIC) : len(MAGIC) + CHECK], len(raw), Changes()


def _since(old: Manifest, m: Manifest, touched: Iterable[str] | None) -> Changes:
    """``old.since`` and what changed from ``old`` to ``m``."""
    agencies = dict(old.since.agencies)
    for slug, r in m.agencies.items():
        if old.agencies.get(slug) is not r:
            agencies[slug] = r.plain()
    for slug in old.agencies.keys() - m.agencies.keys():
        agencies[slug] = None
    files: dict[str, Stamp | None] = dict(old.since.files)
    if touched is not None:
        now = m.files
        files.update((path, now.get(path)) for path in touched)
        return Changes(agencies, files)
    before = old.files
    added = 0
    for path, stamp in m.files.items():
        was = before.get(path)
        if was != stamp:
            files[path] = stamp
            added += was is None
    if len(before) + added != len(m.files):  # some removed
        files.update(dict.fromkeys(before.keys() - m.files.keys()))
    return Changes(agencies, files)
