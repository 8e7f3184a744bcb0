"""The short way of reading agency.yaml (agencyfast) gives exactly the full reader's agency,
or declines: on every fixture, on hand-made texts at its edges, and on random texts made
of the pieces that trip YAML up (quotes, colons, comments, nulls, YAML 1.1 words, odd
spaces and line breaks, indentation, repeated keys). Whatever it declines, `load` reads
the full way, so every bad-input fixture keeps its message (tests/test_bad_input.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao.agencyfast import fast_agency
from nianbao.load import agency_from_yaml
from nianbao.model import Agency
from nianbao.problems import Problem

FIXTURES = Path(__file__).parent / "fixtures"
AGENCIES = sorted(FIXTURES.rglob("agency.yaml"))


def full(text: str) -> tuple[Agency | None, list[Problem]]:
    problems: list[Problem] = []
    return agency_from_yaml(text, "shown", "slug", problems), problems


def check(text: str) -> Agency | None:
    """The short way's answer, after asserting it is the full reader's, problem-free."""
    fast = fast_agency(text, "slug", "shown")
    if fast is not None:
        agency, problems = full(text)
        assert problems == []
        assert agency == fast
        assert repr(agency) == repr(fast)  # the same fields in the same order
    return fast


@pytest.mark.parametrize("path", AGENCIES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_reads_the_same_or_the_full_way(path: Path) -> None:
    check(path.read_bytes().decode("utf-8-sig"))


def test_the_usual_shapes_are_read_the_short_way() -> None:
    plain = "name: 合成市第701局\nkind: department\ngroup: 市政府部门\norder: 700\n"
    assert check(plain) == Agency(
        "slug", "合成市第701局", "department", "shown", group="市政府部门", order=700
    )
    commented = (
        "# 机构信息\nname: 示例市数据局  # 全称\nshort_name: 市数据局\nkind: government\n"
        "since: 2019\nuntil: 2024\ncontact:\n  address: 示例市人民路 1 号\n\n"
        "  # 办公时间\n  hours: 工作日\u3000上午\n"
    )
    agency = check(commented)
    assert agency is not None
    assert agency.contact == {"address": "示例市人民路 1 号", "hours": "工作日\u3000上午"}
    assert (agency.since, agency.until, agency.short_name) == (2019, 2024, "市数据局")
    # a YAML 1.1 word is text here, exactly as written, the full way too (yamlsource)
    assert check("name: 甲局\nkind: township\ngroup: yes\n") is not None
    # spaces YAML keeps in a value and the full reader strips (str.strip)
    assert check("name: 甲局\u3000\nkind: township\ngroup: 乡镇\xa0\n") == Agency(
        "slug", "甲局", "township", "shown", group="乡镇"
    )


@pytest.mark.parametrize(
    "text",
    [
        "name: 甲局\nkind: department\nname: 乙局\n",  # a repeated key
        "name: 甲局\nkind: departmnt\n",  # not one of the three kinds
        "name: 甲局\nkind: department\nfoo: 1\n",  # an unknown key
        "name: 甲局\n",  # kind missing
        "name: ~\nkind: department\n",  # a null
        "name: null\nkind: department\n",
        "name:\nkind: department\n",
        "name: '甲局'\nkind: department\n",  # quoted
        'name: "甲局"\nkind: department\n',
        "name: 甲局\nkind: department\norder: 007\n",  # YAML 1.1 octal
        "name: 甲局\nkind: department\norder: 1_000\n",
        "name: 甲局\nkind: department\norder: -1\n",
        "name: 甲局\nkind: department\norder: 7.5\n",
        "name: 甲局\nkind: department\norder: 1234567890123456\n",  # too many digits
        "name: 甲局\nkind: department\nsince: 2024\nuntil: 2019\n",
        "name: 甲局: 乙\nkind: department\n",  # a colon inside
        "name: 甲局\u3000# 不是注释\nkind: department\n",  # no space before #: part of the value
        "name: 甲局\n  乙\nkind: department\n",  # a plain scalar over two lines
        "name: 甲局\nkind: department\ncontact:\n",  # a null contact
        "name: 甲局\nkind: department\ncontact: 人民路\n",
        "name: 甲局\nkind: department\ncontact:\n  address: 人民路\n    phone: 1\n",
        "name: 甲局\nkind: department\ncontact:\n  address: 人民路\n address2: x\n",
        "name: 甲局\nkind: department\ncontact:\n  fax: 1\n",
        "name: 甲局\nkind: department\ncontact:\n  address: 人民路\n   phone: 1\n",
        "name: 甲局\nkind: department\ncontact:\n   address: 人民路\n  phone: 1\n",
        "name: 甲局\nkind: department\ncontact:\n  phone:\n",
        "name: 甲局\r\nkind: department\r\n",
        "name: 甲局\nkind:\tdepartment\n",
        "\tname: 甲局\nkind: department\n",
        "name: 甲局\u2028乙\nkind: department\n",
        "name: 甲局\x85乙\nkind: department\n",
        "name: 甲局\ufeff\nkind: department\n",
        "---\nname: 甲局\nkind: department\n",
        "name: &a 甲局\nkind: department\nshort_name: *a\n",
        "name: !!str 甲局\nkind: department\n",
        "name: [甲局]\nkind: department\n",
        "name: {a: 1}\nkind: department\n",
        "name: 甲局\n  kind: department\n",
        " name: 甲局\n kind: department\n",
        "",
        "# 只有注释\n",
    ],
)
def test_anything_unusual_is_declined(text: str) -> None:
    assert check(text) is None


# Values: mostly ordinary text, with now and then a piece that makes YAML read a line
# otherwise, at its start, inside or at its end.
GOOD = st.sampled_from(
    ["甲局", "示例市人民路 1 号", "department", "government", "township", "700", "2019", "0"]
)
TRICKY = st.sampled_from(
    [
        "0795-0000000",
        "2024",
        "007",
        "-1",
        "1_0",
        "yes",
        "no",
        "~",
        "null",
        "true",
        " ",
        "  ",
        "\u3000",
        "\xa0",
        ":",
        ": ",
        " #",
        "#",
        "'",
        '"',
        ",",
        "[",
        "]",
        "{",
        "}",
        "&a",
        "*a",
        "!!str",
        "!",
        "|",
        ">",
        "-",
        "- ",
        "?",
        "%",
        "@",
        "`",
        "\t",
        "\n",
        "\n  ",
        "\r",
        "\x85",
        "\u2028",
        "\ufeff",
        "\x07",
        "<<",
    ]
)
KEYS = st.sampled_from(
    ["name", "kind", "short_name", "group", "order", "since", "until", "contact", "foo", "<<"]
)
CONTACT = st.sampled_from(["address", "phone", "email", "postcode", "hours", "fax", "name"])


@st.composite
def values(draw: st.DrawFn) -> str:
    value = draw(GOOD)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        at = draw(st.sampled_from([0, len(value) // 2, len(value)]))
        value = value[:at] + draw(TRICKY) + value[at:]
    return value


@st.composite
def agency_texts(draw: st.DrawFn) -> str:
    lines = []
    if draw(st.integers(0, 5)):
        lines.append("name: " + draw(values()))
    if draw(st.integers(0, 5)):
        lines.append("kind: " + draw(st.sampled_from(["department", "government", "township"])))
    for _ in range(draw(st.integers(0, 4))):
        key = draw(KEYS)
        lines.append(f"{key}:" + draw(st.sampled_from([" ", " ", "", "  "])) + draw(values()))
        if key == "contact" and draw(st.booleans()):
            lines[-1] = "contact:"
            indent = " " * draw(st.integers(1, 4))
            for _ in range(draw(st.integers(0, 3))):
                if draw(st.integers(0, 5)) == 0:
                    indent = " " * draw(st.integers(1, 4))  # now and then, another indentation
                lines.append(f"{indent}{draw(CONTACT)}: {draw(values())}")
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["", "# 注释", "  # 注释", " "])))
    if draw(st.integers(0, 5)) == 0:
        draw(st.randoms()).shuffle(lines)
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agency_texts())
def test_random_texts_read_the_same_or_the_full_way(text: str) -> None:
    check(text)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("甲局 :#'\"-\n\t~0123456789abcdeghikmnoprstuy_{}[],!&*\u3000"),
        max_size=60,
    )
)
def test_arbitrary_text_reads_the_same_or_the_full_way(text: str) -> None:
    check(text)
