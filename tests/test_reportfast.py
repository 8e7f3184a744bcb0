"""The short way of reading report.yaml (reportfast) gives exactly the full reader's report,
or declines: on every fixture, on hand-made edits at its edges, and on random edits.

"Exactly" means the same cells, positions and units in the same order, and that the full
reader finds no problem at all; whatever the short way declines, `load` reads the full way.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from conftest import PORTAL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao import reportlines
from nianbao.model import Report
from nianbao.reportfast import fast_report
from nianbao.reportread import read_report
from nianbao.yamlparse import parse_yaml
from nianbao.yamlsource import Reader

FIXTURES = Path(__file__).parent / "fixtures"
REPORTS = sorted(FIXTURES.rglob("report.yaml"))
# with a comment after nearly every value, as `nianbao new` and `nianbao import` write them
COMMENTED = FIXTURES / "real-reports" / "content" / "hongze" / "2023" / "report.yaml"


def full_report(text: str, year: str) -> tuple[Report | None, list[object]]:
    reader = Reader("shown")
    root, problems = parse_yaml(text, "shown")
    if root is None:
        return None, list(problems)
    report = read_report(reader, root, year, "agency")
    return report, [*problems, *reader.problems]


def same(fast: Report, full: Report | None) -> bool:
    assert fast.later is not None  # the positions are left for when they are asked
    fast.positions()
    return (
        full is not None
        and fast == full
        and list(fast.cells.items()) == list(full.cells.items())
        and list(fast.locs.items()) == list(full.locs.items())
        and list(fast.units.items()) == list(full.units.items())
    )


def check(text: str, year: str) -> Report | None:
    """The short way's answer, after asserting it is the full reader's."""
    fast = fast_report(text, year, "agency", "shown")
    if fast is not None:
        full, problems = full_report(text, year)
        assert problems == []
        assert same(fast, full)
    return fast


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_reads_the_same(path: Path) -> None:
    check(path.read_text(encoding="utf-8-sig"), path.parent.name)


def test_the_usual_shapes_take_the_short_way() -> None:
    """Bare files, trailing comments, block and flow mappings, the 2019 and 2021 formats:
    a short way that always declined would pass every other test here."""
    taken = [p for p in REPORTS if check(p.read_text(encoding="utf-8-sig"), p.parent.name)]
    assert COMMENTED in taken
    assert len(taken) >= len(REPORTS) - 3
    assert {
        r.format.id for p in taken if (r := fast_report(p.read_text(), p.parent.name, "a", "s"))
    } == {
        "2019",
        "2021",
    }


EDGES = [
    ("year: 2021", "year: '2021'"),  # quoted
    ("year: 2021", "year: 2021 # 年度"),  # a comment after a value: read
    ("review: [", "review:\t["),  # a tab
    ("review: [", "review: &a ["),  # an anchor
    ("review: [", "review: !!seq ["),  # a tag
    ("review: [3, 2, 3, 2, 10]", "review: [3, 2, 3, 2, 010]"),  # a leading zero
    ("review: [3, 2, 3, 2, 10]", "review: [3, 2, 3, 2, 待填]"),  # a placeholder
    ("review: [3, 2, 3, 2, 10]", "review: [3, 2, 3, 2, 10,]"),  # a trailing comma
    ("review: [3, 2, 3, 2, 10]", "review: [3, 2, 3, 2,\u00a010]"),  # a no-break space
    ("review: [3, 2, 3, 2, 10]", "review: [3, 2, 3, 2, 10] #\x07"),  # a control character
    ("review: [3, 2, 3, 2, 10]", "review: [3, 2, 3, 2, 11]"),  # a wrong total (V4)
    ("review: [3, 2, 3, 2, 10]", "review: [3, 2, 3, 2]"),  # the total left out
    ("\nappeals:", "\nappeals:\n\nappeals:"),  # a duplicate key
    ("\nrequests:", "\nrevisions:\n  - {date: 2022-02-01, what: 表三, why: 笔误}\nrequests:"),
    ("\nrequests:", "\ncarry_over_note: 说明\nrequests:"),
    ("year: 2021", "---\nyear: 2021"),
    ("year: 2021", "year: 2021\r"),
    ("  received:", "   received:"),  # indentation out of step
]


@pytest.mark.parametrize("old,new", EDGES)
def test_edges(old: str, new: str) -> None:
    text = (PORTAL / "demo-bureau" / "2021" / "report.yaml").read_text(encoding="utf-8")
    assert old in text
    check(text.replace(old, new, 1), "2021")


def test_a_comment_after_a_value_is_read_and_positions_kept() -> None:
    text = (PORTAL / "demo-bureau" / "2021" / "report.yaml").read_text(encoding="utf-8")
    edited = "\n".join(line + "   # 注释：逗号, 冒号: [括号]" for line in text.split("\n"))
    assert check(edited, "2021") is not None


PIECES = [
    *" \t#:'\"-0a\n,[]{}&*!|>待\u00a0\x85\u2028\ufeff%@`?.5",
    "  ",
    " #",
    ": ",
    "- ",
    "\n  x: 1",
    "\n---",
    "~",
    "1e3",
    "01",
    "1_0",
    "\r\n",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.sampled_from(REPORTS),
    edits=st.lists(
        st.tuples(
            st.floats(0, 1), st.sampled_from(PIECES), st.sampled_from(["put", "cut", "copy"])
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_random_edits(which: Path, edits: list[tuple[float, str, str]]) -> None:
    text = which.read_text(encoding="utf-8-sig")
    for where, piece, how in edits:
        at = int(where * len(text))
        if how == "put":
            text = text[:at] + piece + text[at:]
        elif how == "cut":
            text = text[:at] + text[at + 1 :]
        else:  # a line written twice
            lines = text.split("\n")
            lines.insert(int(where * len(lines)), random.Random(at).choice(lines))
            text = "\n".join(lines)
    check(text, which.parent.name)


def test_the_refused_characters_are_the_complement_of_those_libyaml_prints() -> None:
    """_UNPRINTABLE lists the refused characters (fast to compile); it must refuse exactly
    what the printable ranges, as libyaml's reader states them, leave out."""
    printable = re.compile(
        "[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
    )
    differ = [
        c
        for c in range(0x110000)
        if (reportlines._UNPRINTABLE.match(chr(c)) is None) != bool(printable.match(chr(c)))
    ]
    assert differ == []


def test_a_wrong_total_is_located_as_the_full_reader_locates_it() -> None:
    """The short way leaves a report's positions to be worked out when first asked
    (Report.positions): validate asks them of a total that does not add up, and the
    problems, with their lines and columns, are the full reader's."""
    from nianbao.validate import check_report

    located = 0
    for path in REPORTS:
        text = path.read_text(encoding="utf-8-sig")
        # each row of counts with its last number (its total) one more
        rows = [m for m in re.finditer(r"\[(?:[0-9]+, *)+([0-9]+)\]", text)]
        for m in rows[::3]:
            edited = text[: m.start(1)] + str(int(m.group(1)) + 1) + text[m.end(1) :]
            fast = fast_report(edited, path.parent.name, "agency", "shown")
            if fast is None:
                continue
            full, problems = full_report(edited, path.parent.name)
            assert full is not None and problems == []
            found = check_report(fast)
            assert found == check_report(full)
            located += bool(found) and fast.later is None and found[0].line > 1
    assert located > 20


def _plain(value: object) -> object:
    """A parse result as plain data (a Flow as its text and place)."""
    if isinstance(value, reportlines.Flow):
        return ("flow", value.text, value.line, value.at)
    if isinstance(value, dict):
        return [(k, _plain(v)) for k, v in value.items()]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def test_lines_read_before_are_read_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """reportlines keeps the lines it has read: a file whose lines were all read before
    parses exactly as when none was, and no more lines are kept than its bound."""
    texts = [p.read_text(encoding="utf-8-sig") for p in REPORTS]
    monkeypatch.setattr(reportlines, "_SEEN", {})

    def parsed(text: str) -> object:
        try:
            return _plain(reportlines.parse(text))
        except reportlines.Unsure:
            return "unsure"

    afresh = []
    for text in texts:
        reportlines._SEEN.clear()
        afresh.append(parsed(text))
    for _ in range(2):  # every line of every file kept, then read from what is kept
        assert [parsed(text) for text in texts] == afresh
    assert sum(a != "unsure" for a in afresh) > len(texts) // 2
    monkeypatch.setattr(reportlines, "_SEEN_MAX", 5)
    reportlines._SEEN.clear()
    assert [parsed(text) for text in texts] == afresh
    assert len(reportlines._SEEN) == 5
