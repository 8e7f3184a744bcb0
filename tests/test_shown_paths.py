"""An agency's record keeps its problems' paths relative to the content folder and prints
them under the prefix the content folder is shown with now (AgencyRecord.printed): the
same text, byte for byte, as problems made with that prefix would print. A record whose
problems cannot be re-based where each printed line starts (a path not under the prefix,
a line break inside one) keeps them as shown and is read again by every build (BOUND)."""

from __future__ import annotations

import marshal

import pytest
from nianbao.agencyrecord import AgencyRecord
from nianbao.problems import Problem, Problems
from nianbao.siteyaml import content_prefix

# as problems show the content folder given as: relative, absolute, Windows-style, with
# spaces, Chinese and colons, the folder's own name recurring below it, the root, nothing
SHOWN = [
    "content",
    "../x/content/",
    "/tmp/a b/年报 门户:2026/content",
    "C:\\Users\\张三\\content",
    "content/content",
    "/",
    "",
]
RELATIVE = [
    ("demo/agency.yaml", 3, 1, "error", "缺少名称", "V1"),
    ("demo/2021/report.yaml", 6, 14, "warning", "参见 content/demo/2020：数字 5", "R6"),
    ("demo/2021/content/overview.md", 1, 0, "warning", "路径 a:b:c", ""),
    ("demo/", 1, 1, "error", "文件夹", ""),
]


def under(prefix: str, rows: list[tuple]) -> list[Problem]:
    return [Problem(prefix + row[0], *row[1:]) for row in rows]


def printed(problems: list[Problem]) -> str:
    return "".join(f"{p.format()}\n" for p in sorted(problems))


def kept(record: AgencyRecord) -> AgencyRecord:
    """As the manifest hands it back."""
    return AgencyRecord.read(marshal.loads(marshal.dumps(record.plain())))


@pytest.mark.parametrize("made_with", SHOWN)
def test_a_record_prints_its_problems_as_made_under_any_prefix(made_with: str) -> None:
    made = content_prefix(made_with)
    record = kept(AgencyRecord("demo", "sig", "d", None, under(made, RELATIVE), {}, made))
    assert not record.bound and record.signature == "sig"
    for shown in SHOWN:
        prefix = content_prefix(shown)
        block = record.printed(prefix)
        assert block is not None
        expected = under(prefix, RELATIVE)
        assert block.text == printed(expected)
        assert block.problems() == sorted(expected)
        assert Problems([], [block]).text() == printed(expected)


@pytest.mark.parametrize(
    "odd",
    [
        Problem("elsewhere/site.yaml", 1, 1, "error", "不在内容目录下"),
        Problem("content/demo/2021/report.yaml", 2, 1, "warning", "两行\n的说明"),
        Problem("content/demo/新\n建/report.yaml", 2, 1, "warning", "文件名里有换行"),
    ],
    ids=["not-under", "break-in-message", "break-in-path"],
)
def test_a_record_that_cannot_be_rebased_is_read_again(odd: Problem) -> None:
    made = [*under("content/", RELATIVE), odd]
    record = kept(AgencyRecord("demo", "sig", "d", None, made, {}, "content/"))
    # no scan gives its signature: the next build reads the agency again
    assert record.bound and record.signature != "sig"
    block = record.printed("content/")  # printed by the build that made it, as made
    assert block is not None
    assert block.text == printed(made) and block.problems() == sorted(made)


def test_without_problems_a_record_is_never_bound() -> None:
    record = kept(AgencyRecord("demo", "sig", "d", None, [], {}, "content/"))
    assert record.printed("other/") is None and not record.bound
