"""The fast paths of a warm build equal the slow ones: what the site pages are digested
from, combined from each agency's Facts (kept in the manifest) and from the agencies
themselves; R7 with the last build's similarities kept and worked out afresh; the
problems printed from unchanged agencies' Blocks and from Problem objects."""

from __future__ import annotations

import marshal

from hypothesis import given, settings
from hypothesis import strategies as st
from nianbao.agencyfacts import facts_of, in_order, index_text, years_of
from nianbao.coverage import region_years
from nianbao.feed import digest_text, entries_text
from nianbao.manifest import AgencyRecord
from nianbao.model import Agency, Filed, Summary
from nianbao.problems import Block, Problem, Problems, sort_problems
from nianbao.review.copying import (
    anchors_of,
    candidates,
    copies_across_agencies,
    copy_problems,
    similarities,
)

SLUGS = [f"a{i}" for i in range(8)]
DATES = st.sampled_from(["", "2023-01-20", "2023-02-01", "2024-01-15"])
# few clause hashes, so sketches often share anchors and pairs come out similar
SKETCH = st.lists(st.integers(0, 12), min_size=1, max_size=6, unique=True).map(
    lambda hashes: tuple(sorted(hashes))
)


@st.composite
def agencies(draw: st.DrawFn) -> list[Agency]:
    out = []
    for slug in draw(st.lists(st.sampled_from(SLUGS), unique=True, max_size=6)):
        years = draw(st.lists(st.integers(2019, 2024), unique=True, max_size=3))
        filed = {}
        for year in years:
            published = draw(DATES)
            revisions = draw(st.sampled_from([(), (("2024-03-01", "表格", "笔误"),)]))
            filed[year] = Filed(year, "2021", published, "1,2", (), revisions)
        sketches = {
            year: draw(st.dictionaries(st.sampled_from(["overview", "other"]), SKETCH))
            for year in years
        }
        out.append(
            Agency(
                slug,
                draw(st.sampled_from(["甲局", "乙局", "丙镇"])),
                "department",
                f"content/{slug}/agency.yaml",
                group=draw(st.sampled_from([None, "部门", "乡镇"])),
                order=draw(st.sampled_from([None, 1, 2])),
                since=draw(st.sampled_from([None, 2018, 2021])),
                until=draw(st.sampled_from([None, 2022, 2030])),
                summaries={y: Summary(slug, y, "2021", ()) for y in years},
                sketches=sketches,
                filed=filed,
            )
        )
    return out


@settings(max_examples=200, deadline=None)
@given(agencies())
def test_site_digests_from_facts_equal_those_from_agencies(given_agencies: list[Agency]) -> None:
    ordered = sorted(given_agencies, key=lambda a: a.sort_key)
    facts = in_order((a.slug, facts_of(a.slug, a, [])) for a in given_agencies)
    assert [slug for slug, _ in facts] == [a.slug for a in ordered]
    assert index_text(facts) == repr([(a.slug, a.name, a.group, a.order, a.years) for a in ordered])
    assert years_of(f for _, f in facts) == region_years(ordered)
    records = [AgencyRecord(a.slug, "s", "d", a, []) for a in given_agencies]
    assert entries_text(e for r in records for e in r.feed) == digest_text(ordered)
    assert [f.newest for _, f in facts] == [
        max(r.feed, default=None)
        for r in sorted(records, key=lambda r: r.facts.sort_key or (0, "", ""))
    ]


@settings(max_examples=200, deadline=None)
@given(agencies(), st.data())
def test_r7_with_similarities_kept_equals_r7_afresh(
    before: list[Agency], data: st.DataObject
) -> None:
    """The agencies after a build that changed some (their sketches, names) or added or
    removed some: R7 keeping the last build's similarities for pairs of unchanged ones
    finds what R7 from scratch does."""
    by_slug = {a.slug: a for a in before}
    last = similarities(
        candidates((a.slug, anchors_of(a.sketches)) for a in before),
        lambda slug: by_slug[slug].sketches,
    )
    after = data.draw(agencies())
    kept = [a for a in before if a.slug not in {b.slug for b in after}]
    kept = data.draw(st.lists(st.sampled_from(kept), unique_by=lambda a: a.slug)) if kept else []
    now = {a.slug: a for a in [*kept, *after]}
    changed = {slug for slug, a in now.items() if by_slug.get(slug) is not a}
    similar = similarities(
        candidates((slug, anchors_of(a.sketches)) for slug, a in now.items()),
        lambda slug: now[slug].sketches,
        last,
        changed,
    )
    folder = lambda slug: now[slug].path.rsplit("/", 1)[0]  # noqa: E731
    found = copy_problems(similar, lambda slug: (now[slug].name, folder(slug)))
    assert found == copies_across_agencies(now.values())


LINES = st.builds(
    Problem,
    st.sampled_from(["content/site.yaml", "content/a", "content/z.yaml"]),
    st.integers(1, 3),
    st.integers(0, 2),
    st.sampled_from(["error", "warning"]),
    st.sampled_from(["甲", "乙"]),
    st.sampled_from(["", "R7", "S3"]),
)


@st.composite
def problems_of(draw: st.DrawFn, slug: str) -> list[Problem]:
    files = st.sampled_from([f"content/{slug}/agency.yaml", f"content/{slug}/2022/overview.md"])
    made = st.builds(
        Problem, files, st.integers(1, 3), st.integers(0, 2), st.sampled_from(["error", "warning"])
    )
    return draw(st.lists(made, max_size=4))


@settings(max_examples=200, deadline=None)
@given(st.data(), st.lists(LINES, max_size=6))
def test_problems_printed_from_blocks_equal_those_sorted(
    data: st.DataObject, loose: list[Problem]
) -> None:
    """Loose problems (site.yaml's, R7's, the changed agencies') merged with the records'
    Blocks print, count and list as sort_problems of them all does; some loose ones fall
    inside an agency's files (its Block is then unpacked)."""
    records = [
        AgencyRecord(slug, "s", "d", None, data.draw(problems_of(slug)))
        for slug in data.draw(st.lists(st.sampled_from(["a", "a-b", "b", "b0"]), unique=True))
    ]
    theirs = [p for r in records for p in r.problems]
    for n in data.draw(st.lists(st.integers(0, 99), max_size=3)) if theirs else []:
        loose.append(theirs[n % len(theirs)])  # the same problem found twice
    blocks = []
    for r in records:
        if r.facts.printed is not None:
            first, last, text, errors, warnings, rules = r.facts.printed
            made = lambda r=r: r.problems  # noqa: E731
            blocks.append(Block(first, last, text, errors, warnings, rules, made))
    found = Problems(loose, blocks)
    everything = sort_problems([*loose, *(p for r in records for p in r.problems)])
    assert found.text() == "".join(f"{p.format()}\n" for p in everything)
    errors = sum(p.severity == "error" for p in everything)
    assert found.counts() == (errors, len(everything) - errors)
    assert found.errors() == [p for p in everything if p.severity == "error"]
    assert found.has_rule("S3") == any(p.rule == "S3" for p in everything)
    assert list(found) == found.listed() == everything and len(found) == len(everything)


def test_a_record_read_back_unpacks_to_the_one_written() -> None:
    agency = Agency(
        "a1",
        "甲局",
        "department",
        "content/a1/agency.yaml",
        summaries={2022: Summary("a1", 2022, "2021", ())},
        sketches={2022: {"overview": (1, 2, 3)}},
        filed={2022: Filed(2022, "2021", "2023-01-20", "1,2")},
    )
    problem = Problem("content/a1/2022/overview.md", 1, 1, "warning", "乙", "R6")
    record = AgencyRecord("a1", "sig", "dig", agency, [problem, problem], {"a1/index.html": "f"})
    read = AgencyRecord.read(marshal.loads(marshal.dumps(record.plain())))
    assert read == record and read.facts == record.facts
    assert read.agency == agency and read.problems == [problem]  # sorted, duplicates dropped
