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
and kept as read while it is unchanged; so are the output files' stamps, per folder
(filestamps: a build decodes those of the folders it looks at or writes into). A build after an edit does not write the whole
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
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .agencyfacts import Facts, facts_of
from .filestamps import Stamp, Stamps
from .model import Agency, Filed, Summary
from .problems import Problem, sort_problems
from .records import CHECK, framed, replace_file, unframed, write_framed
from .review.copying import Pair

NAME = "manifest.bin"
DELTA = "manifest.delta"  # what changed since manifest.bin was written (see Changes)
JSONL = "manifest.jsonl"  # nianbao ≤ 0.1.x's record: JSON Lines, the written files on line 2
VERSION = 7  # 7: the output files' stamps per folder (filestamps); 6: Facts, R7's pairs
MAGIC = b"nianbao manifest %d marshal %d\n" % (VERSION, marshal.version)
OLDER = b"nianbao manifest "  # the start of every version's magic line
DELTA_MAGIC = b"nianbao manifest delta %d marshal %d\n" % (VERSION, marshal.version)
COMPACT = 8  # the delta is folded into a whole record once it is this share of it
STAMP_BYTES = 80  # about what one output file's stamp takes in the delta


class AgencyRecord:
    """One agency's record. Read from the manifest, only its head is unpacked (slug,
    signature, digest, pages' fingerprints, Facts); the agency and its problems are made
    from the rest (``body``: marshal bytes, kept as read) when first asked for."""

    __slots__ = ("_agency", "_body", "_problems", "digest", "facts", "pages", "signature", "slug")

    def __init__(
        self,
        slug: str,
        signature: str,
        digest: str,
        agency: Agency | None,  # without reports; None when agency.yaml could not be read
        problems: list[Problem] | None = None,
        pages: dict[str, str] | None = None,  # page path → fingerprint
    ) -> None:
        self.slug, self.signature, self.digest = slug, signature, digest
        self.pages = pages if pages is not None else {}
        self._problems: list[Problem] | None = sort_problems(problems or [])
        self._agency = agency
        self._body: bytes | None = None
        self.facts = facts_of(slug, agency, self._problems)

    @classmethod
    def read(cls, plain: tuple[Any, ...]) -> AgencyRecord:
        """The record ``plain()`` gave, its agency and problems not made yet."""
        r = cls.__new__(cls)
        r.slug, r.signature, r.digest, r.pages, facts, r._body = plain
        r.facts = Facts._make(facts)
        r._agency, r._problems = None, None
        return r

    def plain(self) -> tuple[Any, ...]:
        """The record as plain data for marshal."""
        return (self.slug, self.signature, self.digest, self.pages, tuple(self.facts), self.body)

    @property
    def body(self) -> bytes:
        if self._body is None:
            problems = [tuple(p.__dict__.values()) for p in self.problems]
            self._body = marshal.dumps((_plain(self.agency), problems))
        return self._body

    @property
    def agency(self) -> Agency | None:
        if self._problems is None:
            self._unpack()
        return self._agency

    @property
    def problems(self) -> list[Problem]:
        """Sorted, without duplicates."""
        if self._problems is None:
            self._unpack()
        assert self._problems is not None
        return self._problems

    def pack(self) -> None:
        """Let go of the agency and problems made from the body (made again if asked for)."""
        if self._body is not None:
            self._agency, self._problems = None, None

    def _unpack(self) -> None:
        assert self._body is not None
        plain, problems = marshal.loads(self._body)
        self._agency = _agency(self.slug, plain)
        self._problems = [Problem(*p) for p in problems]

    def with_pages(self, pages: dict[str, str]) -> AgencyRecord:
        """This record with other pages' fingerprints."""
        r = AgencyRecord.__new__(AgencyRecord)
        r.slug, r.signature, r.digest, r.pages, r.facts = (
            self.slug,
            self.signature,
            self.digest,
            pages,
            self.facts,
        )
        r._agency, r._problems, r._body = self._agency, self._problems, self._body
        return r

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AgencyRecord):
            return NotImplemented
        return (self.slug, self.signature, self.digest, self.pages, self.facts) == (
            other.slug,
            other.signature,
            other.digest,
            other.pages,
            other.facts,
        ) and (self.agency, self.problems) == (other.agency, other.problems)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"AgencyRecord({self.slug!r}, {self.signature!r}, {len(self.pages)} pages)"


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
    facts, body = plain[4], plain[5]
    printed = facts[-1]
    return len(body) + STAMP_BYTES * len(plain[3]) + (len(printed[2]) * 3 if printed else 0)


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


def _plain(a: Agency | None) -> tuple[Any, ...] | None:
    if a is None:
        return None
    summaries = [(s.year, s.format, s.values) for s in a.summaries.values()]
    filed = [
        (f.year, f.format, f.published, f.values, f.units, f.revisions) for f in a.filed.values()
    ]
    head = (a.name, a.kind, a.path, a.short_name, a.group, a.order, a.contact, a.since, a.until)
    return (*head, summaries, a.sketches, filed)


def _agency(slug: str, plain: tuple[Any, ...] | None) -> Agency | None:
    if plain is None:
        return None
    name, kind, path, short_name, group, order, contact, since, until, *rest = plain
    summaries, sketches, filed = rest
    return Agency(
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


def dumps(m: Manifest) -> bytes:
    return framed(MAGIC, _whole(m))


def _whole(m: Manifest) -> tuple[Any, ...]:
    records = [r.plain() for _, r in sorted(m.agencies.items())]
    return (m.key, m.pages, Stamps.of(m.files).chunks(), m.across, records)


def loads(raw: bytes, delta: bytes | None = None) -> Manifest | None:
    """The record in ``raw`` (manifest.bin) amended by ``delta`` (manifest.delta)."""
    try:
        key, pages, files, across, plain = unframed(MAGIC, raw)
    except ValueError:
        return None
    records = [AgencyRecord.read(r) for r in plain]
    if not all(isinstance(x, dict) for x in (pages, files, across)) or not isinstance(key, str):
        return None
    base = raw[len(MAGIC) : len(MAGIC) + CHECK]
    m = Manifest(key, {r.slug: r for r in records}, pages, Stamps(files), across, base, len(raw))
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
        raw = (state / NAME).read_bytes()
        try:
            delta: bytes | None = (state / DELTA).read_bytes()
        except FileNotFoundError:
            delta = None
        if not raw.startswith(MAGIC) and _version(raw) < VERSION:
            return _older_files(raw, delta)
        return loads(raw, delta)
    except FileNotFoundError:  # no manifest.bin
        return _jsonl_files(state)
    except Exception:  # unreadable, damaged, another version or shape: no record
        return None
    finally:
        if collecting:
            gc.enable()


def _version(raw: bytes) -> int:
    """The version a record's magic line names (VERSION if it names none we know)."""
    if not raw.startswith(OLDER):
        return VERSION
    number = raw[len(OLDER) :].split(b" ", 1)[0]
    return int(number) if number.isdigit() else VERSION


def _older_files(raw: bytes, delta: bytes | None) -> Manifest | None:
    """What a record of an earlier version (4 to 6: the output files' stamps third in
    the whole record, last in the delta) says was written, and nothing else, as for
    ``_jsonl_files``: the output is known as nianbao's and built again from scratch."""
    magic = raw[: raw.index(b"\n") + 1]
    whole = unframed(magic, raw)
    files = whole[2]
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
    check, size = write_framed(state / NAME, MAGIC, _whole(m))  # dumps(m), written
    # after the record: a delta left by a build interrupted here names the record
    # replaced, so it (and the record) is read as no record, never as a stale one
    (state / DELTA).unlink(missing_ok=True)
    (state / JSONL).unlink(missing_ok=True)
    m.base, m.base_size, m.since = check, size, Changes()


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
