"""An agency's record read in parts (agencyrecord): each part decoded when asked for equals
the record as made; the feed's digest from the few agencies whose newest entry can be
listed equals the one from every agency's entries; a part that does not read as nianbao
writes it means a build from scratch, never a traceback or a stale page."""

from __future__ import annotations

import marshal
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import PORTAL, nianbao
from hypothesis import given, settings
from hypothesis import strategies as st
from nianbao import feed, manifest
from nianbao.agencyrecord import AgencyRecord, feed_text
from nianbao.feed import entries_text
from nianbao.filestamps import DamagedRecord
from nianbao.model import Agency
from nianbao.problems import Problem
from test_agency_facts import agencies
from test_build import tree

PAGES = st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=8), max_size=6)
PROBLEMS = st.lists(
    st.builds(
        Problem,
        path=st.sampled_from(["a/agency.yaml", "a/2023/report.yaml"]),
        line=st.integers(1, 9),
        column=st.integers(1, 9),
        severity=st.sampled_from(["error", "warning"]),
        message=st.text(max_size=10),
        rule=st.sampled_from(["V1", "R6"]),
    ),
    max_size=3,
)


@settings(max_examples=150, deadline=None)
@given(agencies(), st.data())
def test_a_record_read_in_parts_equals_the_record_made(
    given_agencies: list[Agency], data: st.DataObject
) -> None:
    for agency in [*given_agencies, None]:
        slug = agency.slug if agency is not None else "unread"
        pages = data.draw(PAGES)
        made = AgencyRecord(slug, "sig", "digest", agency, data.draw(PROBLEMS), pages)
        read = AgencyRecord.read(marshal.loads(marshal.dumps(made.plain())))
        assert read.page_total == made.page_total == len(pages)
        assert read.paths_digest == made.paths_digest
        assert read.facts == made.facts
        assert read.pages == pages and read.feed == made.feed
        assert (read.agency, read.problems) == (made.agency, made.problems)
        assert read == made
        again = AgencyRecord.read(marshal.loads(marshal.dumps(read.plain())))
        assert again == made and again.plain()[:5] == made.plain()[:5]
        other = read.with_pages({"x.html": "f"})
        assert other.page_total == 1 and other.feed == made.feed and other.facts == made.facts


STAMPS = st.dictionaries(
    st.sampled_from(["index.html", "a/index.html", "a/2023/index.html", "b/x.csv"]),
    st.tuples(st.integers(0, 9), st.integers(0, 9), st.text(max_size=4)),
)


@settings(max_examples=100, deadline=None)
@given(agencies(), STAMPS, st.data())
def test_the_record_read_from_its_file_equals_the_record_written(
    given_agencies: list[Agency], files: dict, data: st.DataObject
) -> None:
    """Whole (manifest.bin, mapped): every agency's parts and every folder's stamps are
    views of the file, decoded when asked for, and equal what was written."""
    records = {
        a.slug: AgencyRecord(a.slug, "sig", "d", a, data.draw(PROBLEMS), data.draw(PAGES))
        for a in given_agencies
    }
    made = manifest.Manifest("key", records, {"index.html": "f"}, files, {("a", "b"): 0.5})
    with tempfile.TemporaryDirectory() as folder:
        manifest.write(made, Path(folder))
        read = manifest.read(Path(folder))
        assert read is not None and read == made
        for slug, record in records.items():
            again = read.agencies[slug]
            assert again.page_total == record.page_total
            assert again.paths_digest == record.paths_digest
            assert (again.pages, again.feed) == (record.pages, record.feed)
            assert (again.agency, again.problems) == (record.agency, record.problems)
        assert dict(read.files) == files
        # written again whole from the views (a build after the record grew too old)
        assert manifest.loads(manifest.dumps(read)) == made


def test_a_byte_changed_in_a_part_means_no_record(tmp_path: Path) -> None:
    made = manifest.Manifest("key", {"a": AgencyRecord("a", "s", "d", None, [], {"p": "f"})})
    manifest.write(made, tmp_path)
    raw = bytearray((tmp_path / manifest.NAME).read_bytes())
    assert manifest.read(tmp_path) == made
    raw[-3] ^= 1  # the agency's last part: never decoded by a build that reads the record
    (tmp_path / manifest.NAME).write_bytes(bytes(raw))
    assert manifest.read(tmp_path) is None


@settings(max_examples=200, deadline=None)
@given(agencies(), st.integers(1, 4))
def test_the_feed_from_the_newest_agencies_equals_the_feed_from_all(
    given_agencies: list[Agency], latest: int
) -> None:
    records = [AgencyRecord(a.slug, "s", "d", a, []) for a in given_agencies]
    read = [AgencyRecord.read(marshal.loads(marshal.dumps(r.plain()))) for r in records]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(feed, "LATEST", latest)  # few agencies and entries: some left out
        everything = entries_text(e for r in records for e in r.feed)
        assert feed_text(records) == everything
        assert feed_text(read) == everything


@settings(max_examples=50, deadline=None)
@given(agencies())
def test_what_a_warm_build_asks_of_every_agency_decodes_no_part(
    given_agencies: list[Agency],
) -> None:
    """Page counts, the sitemap's digest, the Facts and the feed's digest (with LATEST 1:
    the one agency whose entry is newest) leave the other agencies' parts as read."""
    records = [
        AgencyRecord(a.slug, "s", "d", a, [], {f"{a.slug}/index.html": "f"}) for a in given_agencies
    ]
    read = [AgencyRecord.read(marshal.loads(marshal.dumps(r.plain()))) for r in records]
    assert [r.page_total for r in read] == [1] * len(read)
    assert [r.paths_digest for r in read] == [r.paths_digest for r in records]
    assert [r.facts for r in read] == [r.facts for r in records]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(feed, "LATEST", 1)
        feed_text(read)
    assert all(r._pages is None and r._problems is None for r in read)
    assert sum(r._feed is not None for r in read) <= 1


def test_a_part_that_does_not_read_is_a_damaged_record() -> None:
    made = AgencyRecord("a", "s", "d", None, [], {"a/index.html": "f"})
    plain = list(made.plain())
    for index, forged in [(5, b"garbage"), (5, marshal.dumps({})), (7, marshal.dumps([1]))]:
        odd = list(plain)
        odd[index] = forged
        record = AgencyRecord.read(tuple(odd))
        with pytest.raises(DamagedRecord):
            record.pages if index == 5 else record.feed  # noqa: B018
    odd = list(plain)
    odd[8] = b"not marshal"
    with pytest.raises(DamagedRecord):
        AgencyRecord.read(tuple(odd)).problems  # noqa: B018


def _forge(state: Path, slug: str, index: int, forged: bytes) -> None:
    """The record with a part of ``slug``'s replaced and its CRC right: whole and checked,
    but not what nianbao wrote."""
    raw = (state / manifest.NAME).read_bytes()
    key, pages, chunks, across, records = manifest.unpacked(raw)
    for i, plain in enumerate(records):
        if plain[0] == slug:
            records[i] = (*plain[:index], forged, *plain[index + 1 :])
    (state / manifest.NAME).write_bytes(manifest.packed(key, pages, chunks, across, records))
    (state / manifest.DELTA).unlink(missing_ok=True)


@pytest.mark.parametrize(
    "slug, index, forged",
    [
        ("town-a", 5, b"garbage"),
        ("town-a", 5, marshal.dumps({"x": "y"})),
        ("demo-bureau", 7, b"\xff"),
        ("demo-bureau", 7, marshal.dumps(())),
    ],
    ids=["pages garbage", "pages another count", "feed garbage", "feed another newest"],
)
def test_a_forged_part_means_building_from_scratch(
    tmp_path: Path, slug: str, index: int, forged: bytes
) -> None:
    """The edited agency's pages are asked for (to know which it had); the feed asks for
    the entries of the other, unchanged one (town-a has none published)."""
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    state = tmp_path / ".nianbao-cache" / "site"
    _forge(state, slug, index, forged)
    with (content / "town-a/2022/overview.md").open("a", encoding="utf-8") as f:
        f.write("\n补充一段说明。\n")  # the warm build asks for town-a's pages
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 0, run.out + run.err
    assert "Traceback" not in run.err
    assert "更新" not in run.lines[-1]  # from scratch
    clean = tmp_path / "clean"
    assert nianbao("build", "--content", content, "--out", clean).code == 0
    assert tree(out) == tree(clean)
    again = manifest.read(state)
    assert again is not None and again == manifest.read(state)
