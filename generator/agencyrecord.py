"""One agency's record in the manifest, read in parts: a warm build after one edit needs,
of every agency, its signature, digest and Facts, and of one or two agencies their pages'
fingerprints, feed entries, agency and problems.

So a record keeps each of those parts as ``marshal`` bytes of its own, decoded when first
asked for (as filestamps does for the output files' stamps): at 10,000 reports the 51,000
pages' fingerprints and the feed entries were a third of reading the manifest, for pages
nobody looks at. Beside them, what is asked of every agency without decoding them: how
many pages it has and a digest of their paths (the sitemap's fingerprint), and its newest
feed entry (which agencies' entries the feed can list). The manifest is checked whole (its
CRC) when read, so a part decoded later is one that was checked; a part that does not
read as nianbao writes it (a record nianbao did not write) raises ``DamagedRecord``, and
the build starts again from scratch (build._built).
"""

from __future__ import annotations

import heapq
import marshal
from collections.abc import Iterable
from typing import Any

from . import feed as feeds
from .agencyfacts import Facts, facts_of
from .contentfiles import digest
from .feed import Entry, entries_text, feed_entries
from .filestamps import DamagedRecord
from .model import Agency, Filed, Summary
from .problems import Block, Problem, rebased_text, relative, shown_under, sort_problems

Raw = bytes | memoryview  # a part as marshal bytes (a view of the manifest, as read)
# Before the signature of a record whose problems could not be kept relative to the content
# folder: no scan gives it, so every build reads the agency again.
BOUND = "shown:"


class AgencyRecord:
    """One agency's record. Read from the manifest, only its head is unpacked (slug,
    signature, digest, page count, paths' digest, Facts); its pages' fingerprints, feed
    entries, agency and problems are decoded from the bytes read when first asked for."""

    __slots__ = (
        "_agency",
        "_body",
        "_feed",
        "_feed_raw",
        "_pages",
        "_pages_raw",
        "_paths",
        "_problems",
        "digest",
        "facts",
        "page_total",
        "signature",
        "slug",
    )

    def __init__(
        self,
        slug: str,
        signature: str,
        digest: str,
        agency: Agency | None,  # without reports; None when agency.yaml could not be read
        problems: list[Problem] | None = None,
        pages: dict[str, str] | None = None,  # page path → fingerprint
        prefix: str = "",  # how the content folder was shown (siteyaml.content_prefix)
    ) -> None:
        # Its problems are kept with the prefix taken off their paths, and shown under the
        # prefix of the build that prints them (printed): a build from another working
        # directory reads no agency again to show them as the content folder is given now.
        # The agency (record_of) and its Facts' folder are kept relative alike.
        problems = sort_problems(problems or [])
        kept = relative(problems, prefix)
        if kept is None:  # kept as shown, for this build only (BOUND)
            kept, signature = problems, BOUND + signature
        self.slug, self.signature, self.digest = slug, signature, digest
        self._pages: dict[str, str] | None = pages if pages is not None else {}
        self.page_total = len(self._pages)
        self._pages_raw: Raw | None = None
        self._paths: str | None = None
        self._problems: list[Problem] | None = kept
        self._agency = agency
        self._body: Raw | None = None
        self._feed: tuple[Entry, ...] | None = tuple(feed_entries(agency)) if agency else ()
        self._feed_raw: Raw | None = None
        self.facts = facts_of(slug, agency, self._problems, self._feed)

    @classmethod
    def read(cls, plain: tuple[Any, ...]) -> AgencyRecord:
        """The record ``plain()`` gave, its parts not decoded yet."""
        r = cls.__new__(cls)
        (r.slug, r.signature, r.digest, r.page_total, r._paths, r._pages_raw, facts) = plain[:7]
        r._feed_raw, r._body = plain[7:]
        if not (
            isinstance(r.page_total, int)
            and isinstance(r._paths, str)
            and all(
                isinstance(b, (bytes, memoryview)) for b in (r._pages_raw, r._feed_raw, r._body)
            )
        ):
            raise ValueError("not an agency's record")
        r.facts = Facts._make(facts)
        r._pages, r._feed, r._agency, r._problems = None, None, None, None
        return r

    def plain(self) -> tuple[Any, ...]:
        """The record as plain data for marshal."""
        head = (self.slug, self.signature, self.digest, self.page_total, self.paths_digest)
        return (*head, self.pages_raw, tuple(self.facts), self.feed_raw, self.body)

    @property
    def pages(self) -> dict[str, str]:
        """Each page's path → its fingerprint."""
        if self._pages is None:
            self._pages = _decoded_pages(self._pages_raw, self.page_total)
        return self._pages

    @property
    def pages_raw(self) -> Raw:
        if self._pages_raw is None:
            self._pages_raw = marshal.dumps(self.pages)
        return self._pages_raw

    @property
    def paths_digest(self) -> str:
        """A digest of its pages' paths, in order (what the sitemap lists of it)."""
        if self._paths is None:
            self._paths = digest("\n".join(self.pages))
        return self._paths

    @property
    def feed(self) -> tuple[Entry, ...]:
        """Its part of the feed's digest (feed.feed_entries)."""
        if self._feed is None:
            self._feed = _decoded_feed(self._feed_raw, self.facts.newest)
        return self._feed

    @property
    def feed_raw(self) -> Raw:
        if self._feed_raw is None:
            self._feed_raw = marshal.dumps(self.feed)
        return self._feed_raw

    @property
    def body(self) -> Raw:
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
        """Sorted, without duplicates; as kept: their paths relative to the content folder
        (unless ``bound``)."""
        if self._problems is None:
            self._unpack()
        assert self._problems is not None
        return self._problems

    @property
    def bound(self) -> bool:
        """Whether its problems are kept as shown by the build that made it (see BOUND)."""
        return self.signature.startswith(BOUND)

    def printed(self, prefix: str = "") -> Block | None:
        """Its problems as printed (facts.printed) with the content folder shown as
        ``prefix``, none made until asked for; None: no problems."""
        printed = self.facts.printed
        if printed is None:
            return None
        if self.bound:  # read again by every build: made with the prefix it prints
            return Block(*printed, lambda: self.problems)
        first, last, text, errors, warnings, rules = printed
        return Block(
            prefix + first,
            prefix + last,
            rebased_text(text, prefix),
            errors,
            warnings,
            rules,
            lambda: shown_under(self.problems, prefix),
        )

    def pack(self) -> None:
        """Let go of the agency and problems made from the body (made again if asked for)."""
        if self._body is not None:
            self._agency, self._problems = None, None

    def _unpack(self) -> None:
        assert self._body is not None
        try:
            plain, problems = marshal.loads(self._body)
            agency = _agency(self.slug, plain)
            made = [Problem(*p) for p in problems]
        except Exception as e:
            raise DamagedRecord("an agency's record does not read") from e
        self._agency, self._problems = agency, made

    def with_pages(self, pages: dict[str, str]) -> AgencyRecord:
        """This record with other pages' fingerprints."""
        r = AgencyRecord.__new__(AgencyRecord)
        r.slug, r.signature, r.digest, r.facts = self.slug, self.signature, self.digest, self.facts
        r._pages, r.page_total, r._pages_raw, r._paths = pages, len(pages), None, None
        r._feed, r._feed_raw = self._feed, self._feed_raw
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
        ) and (self.feed, self.agency, self.problems) == (other.feed, other.agency, other.problems)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"AgencyRecord({self.slug!r}, {self.signature!r}, {self.page_total} pages)"


def _decoded_pages(raw: Raw | None, total: int) -> dict[str, str]:
    try:
        pages = marshal.loads(raw) if raw is not None else None
    except Exception as e:
        raise DamagedRecord("an agency's pages do not read") from e
    if not isinstance(pages, dict) or len(pages) != total:
        raise DamagedRecord("an agency's pages are not a record")
    for path, fingerprint in pages.items():
        if not (isinstance(path, str) and isinstance(fingerprint, str)):
            raise DamagedRecord("an agency's pages are not a record")
    return pages


def _decoded_feed(raw: Raw | None, newest: Entry | None) -> tuple[Entry, ...]:
    try:
        entries = marshal.loads(raw) if raw is not None else None
    except Exception as e:
        raise DamagedRecord("an agency's feed entries do not read") from e
    if not isinstance(entries, tuple) or max(entries, default=None) != newest:
        raise DamagedRecord("an agency's feed entries are not a record")
    return entries


def feed_text(records: Iterable[AgencyRecord]) -> str:
    """feed.entries_text of every record's feed entries, decoding only those of the
    agencies whose newest entry is among the LATEST newest: an agency whose newest entry
    is older than LATEST others' (each of another agency: (date, slug, year) is never
    tied) has none among the LATEST of all."""
    dated = (r for r in records if r.facts.newest is not None)
    latest = heapq.nlargest(feeds.LATEST, dated, key=_newest)
    return entries_text(e for r in latest for e in r.feed)


def _newest(record: AgencyRecord) -> Entry:
    newest = record.facts.newest
    assert newest is not None
    return newest


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
