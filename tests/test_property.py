"""Property: whatever a clerk's editor does to a valid portal, `nianbao check` answers with
located problems, never a traceback.

Each example copies the fixture portal into its own temporary folder (hypothesis runs many
examples per test, so the function-scoped `portal` fixture cannot be used), applies a few
random text edits to report.yaml, agency.yaml or site.yaml, and checks the output's form.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from conftest import PORTAL, nianbao
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FILES = [
    "site.yaml",
    "demo-bureau/agency.yaml",
    "town-a/agency.yaml",
    "demo-bureau/2019/report.yaml",
    "demo-bureau/2020/report.yaml",
    "demo-bureau/2021/report.yaml",
    "demo-bureau/2022/report.yaml",
    "town-a/2022/report.yaml",
]

PROBLEM = re.compile(r"(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?:错误|警告): \S.*")
SUMMARY = re.compile(
    r"检查通过：\d+ 份年报，没有发现问题。|共 (\d+) 个错误，(\d+) 个警告（\d+ 份年报）。"
)

# Text a clerk (or a broken editor) might type: YAML's pitfalls, Chinese, and anything else.
YAMLISH = st.sampled_from(
    [
        "no",
        "yes",
        "on",
        "~",
        "null",
        "",
        " ",
        "010",
        "0x10",
        "1_000",
        "1,000",
        "1:30",
        ".inf",
        "-1",
        "1.5",
        "５",
        "２０２１",
        "2022-02-30",
        '"5"',
        "'",
        '"',
        "[",
        "]",
        "{",
        "}",
        ", ,",
        "- ",
        ": ",
        "：",
        "&a",
        "*a",
        "<<: *a",
        "\t",
        "---",
        "...",
        "#",
        "%",
        "@",
        "`",
        "!!str",
        "!!binary",
        "? ",
        "|",
        ">",
        "\\",
        "\x00",
        "\x07",
        "\ufeff",
        "\r",
        "\n",
        "\u3000",
        "表三",
        "无",
        "机构改革",
        "2019",
        "2021",
        "format: 2019",
        "year: 2018",
    ]
)
TEXT = st.one_of(YAMLISH, st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
SCALAR = re.compile(r"(?<=: )[^\s\[\]{},#][^\[\]{},#\n]*|(?<=[\[ ])\d+(?=[,\]])")


@st.composite
def mutation(draw: st.DrawFn, text: str) -> str:
    """One edit of a file's text."""
    kind = draw(st.sampled_from(["scalar", "delete", "duplicate", "insert", "truncate", "swap"]))
    lines = text.split("\n")
    spots = list(SCALAR.finditer(text))
    if kind == "scalar" and spots:  # an earlier edit may have left none
        spot = draw(st.sampled_from(spots))
        return text[: spot.start()] + draw(TEXT) + text[spot.end() :]
    if kind == "delete":
        del lines[draw(st.integers(0, len(lines) - 1))]
        return "\n".join(lines)
    if kind == "duplicate":
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(draw(st.integers(0, len(lines))), lines[i])
        return "\n".join(lines)
    if kind == "swap":
        i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    at = draw(st.integers(0, len(text)))
    if kind == "truncate":
        return text[:at]
    return text[:at] + draw(TEXT) + text[at:]  # insert


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[str, str]]:
    """One to three files, each edited one to three times: (file, new text)."""
    files = draw(st.lists(st.sampled_from(FILES), min_size=1, max_size=3, unique=True))
    out = []
    for file in files:
        text = (PORTAL / file).read_text("utf-8")
        for _ in range(draw(st.integers(1, 3))):
            text = draw(mutation(text))
        out.append((file, text))
    return out


def assert_well_formed(content: Path) -> None:
    run = nianbao("check", "--content", content)
    assert run.code in (0, 1), run.out + run.err
    assert run.err == ""
    assert run.lines, "no output"
    *problem_lines, last = run.lines
    summary = SUMMARY.fullmatch(last)
    assert summary, last
    errors = 0
    for line in problem_lines:
        assert line.startswith(f"{content}/"), line
        m = PROBLEM.fullmatch(line.removeprefix(f"{content}/"))
        assert m, line
        assert int(m["line"]) >= 1 and int(m["col"]) >= 1, line
        errors += ": 错误: " in line
    if summary.group(1) is not None:
        assert (int(summary[1]), int(summary[2])) == (errors, len(problem_lines) - errors)
    else:
        assert not problem_lines
    assert run.code == (1 if errors else 0)


@settings(
    max_examples=150,
    deadline=None,
    database=None,  # no .hypothesis/ beside the tests; failures print their example
    suppress_health_check=[HealthCheck.too_slow],
)
@given(edits())
def test_check_never_crashes_and_always_locates(changes: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(PORTAL, content)
        for file, text in changes:
            (content / file).write_text(text, "utf-8")
        assert_well_formed(content)


def test_the_property_holds_for_the_unedited_portal(tmp_path: Path) -> None:
    shutil.copytree(PORTAL, tmp_path / "content")
    assert_well_formed(tmp_path / "content")
