"""What changed among the agencies since the last build, for the parts of the pages about
many agencies that a build can take over from it instead of walking every agency again.

A warm build keeps the record of each agency it did not read again as the last build left
it (the same object), and reads again only the ``changed`` ones. So a part combined from
every agency (the sitemap's paths, R7's candidate pairs) is as the last
build made it when the same agencies are there and each changed one's own share of it is
equal to its old one: one comparison per changed agency instead of one per agency (14,300
at 100,000 reports, on every edit).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TypeVar

from .agencyrecord import AgencyRecord

T = TypeVar("T")


class SinceLast:
    """The agencies' records now and the last build's (``before``: None, no last build or
    one whose parts are not to be trusted), and the slugs read again since."""

    def __init__(
        self,
        records: Mapping[str, AgencyRecord],
        before: Mapping[str, AgencyRecord] | None = None,
        changed: Collection[str] = (),
    ) -> None:
        self.records, self.before, self.changed = records, before, changed
        # the same agencies in the same order (a list of names compared in C: ~1 ms at
        # 14,300 agencies)
        self.same_agencies = before is not None and list(records) == list(before)

    def same(self, part: Callable[[AgencyRecord], T]) -> bool:
        """Whether every agency's ``part`` of its record is as the last build found it."""
        if not self.same_agencies:
            return False
        assert self.before is not None
        before, now = self.before, self.records
        return all(part(before[slug]) == part(now[slug]) for slug in self.changed)


def anchors(record: AgencyRecord) -> tuple[int, ...]:
    """R7's part: the agency's anchors (none for an agency not read)."""
    return record.facts.anchors


def page_paths(record: AgencyRecord) -> str:
    """The sitemap's part: the digest of the agency's pages' paths, in their order."""
    return record.paths_digest
