"""regexcode: a pattern compiled from the kept code is the very pattern ``re`` compiles
(``==`` compares pattern, flags, groups and code; and it matches the same), for a table of
patterns and for every pattern of the review rules' vocabulary; anything unusual (a
damaged or foreign file, code the engine refuses, a debug flag, a parsed pattern) compiles
as ``re`` does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from nianbao import regexcode
from nianbao.formats import all_formats
from nianbao.review.vocabulary import terms


def _re_own() -> Any:
    """re's own compiler, even if a command run in this process installed regexcode."""
    current = re._compiler.compile  # type: ignore[attr-defined]
    return regexcode._original[0] if current is regexcode._compile else current


RE_COMPILE = _re_own()

CASES: list[tuple[Any, int]] = [
    (r"abc", 0),
    (r"(?P<num>\d{1,3}(?:,\d{3})+|\d+)\s*(?:件|个|条)", 0),
    (r"(?<![\d.第])[零〇一二两三四五六七八九十百千万]+", 0),
    (r"[^，,。；;、：:（）()\n]{0,14}?规范性文件", 0),
    (r"[\x00-\t\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]", 0),
    (r"^\s*#+\s+(.*)$", re.MULTILINE),
    (r"hello world", re.IGNORECASE),
    (r"  a  # a comment\n  b+ ", re.VERBOSE),
    (r"(a)|(?P<second>b)(?(1)c|d)", 0),
    (rb"\x00[\x80-\xff]+(?=end)", 0),
    (r"\w+@\w+\.com", re.ASCII),
    (r".*", re.DOTALL),
]
TEXT = "上年结转 1,234 件，印发规范性文件三件\nHello World ab abc foo@bar.com \x00"


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """regexcode with nothing kept, its file in ``tmp_path``, re's compiler its own after."""
    kept = tmp_path / "regexcode.marshal"
    monkeypatch.setattr(regexcode, "KEPT", kept)
    monkeypatch.setattr(regexcode, "_kept", {})
    monkeypatch.setattr(regexcode, "_used", set())
    monkeypatch.setattr(regexcode, "_original", [RE_COMPILE])
    monkeypatch.setattr(re._compiler, "compile", RE_COMPILE)  # type: ignore[attr-defined]
    yield kept


def refusing(pattern: Any, flags: int = 0) -> Any:
    raise AssertionError(f"compiled by re, not from the kept code: {pattern!r}")


def kept_then_recalled(cases: list[tuple[Any, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each pattern compiled (and kept, written), then recalled from the file alone."""
    for pattern, flags in cases:
        assert regexcode._compile(pattern, flags) == RE_COMPILE(pattern, flags)
    regexcode.keep()
    monkeypatch.setattr(regexcode, "_kept", {})
    regexcode.load()
    monkeypatch.setattr(regexcode, "_original", [refusing])  # a hit needs no re at all
    for pattern, flags in cases:
        recalled = regexcode._compile(pattern, flags)
        compiled = RE_COMPILE(pattern, flags)
        assert recalled == compiled
        text: Any = TEXT.encode("utf-8", "surrogatepass") if isinstance(pattern, bytes) else TEXT
        assert [m.span() for m in recalled.finditer(text)] == [
            m.span() for m in compiled.finditer(text)
        ]
        assert recalled.groupindex == compiled.groupindex


def test_kept_code_makes_the_patterns_re_makes(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept_then_recalled(CASES, monkeypatch)
    assert fresh.is_file()


def test_the_vocabulary_patterns_too(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [
        (t.pattern.pattern, t.pattern.flags & ~re.UNICODE)
        for f in all_formats().values()
        for t in terms(f)
    ]
    assert len(cases) > 20
    kept_then_recalled(cases, monkeypatch)


def test_a_damaged_or_foreign_file_compiles_as_before(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for data in (regexcode._MAGIC + b"\x00garbage", b"another program's file", b""):
        fresh.write_bytes(data)
        regexcode.load()
        assert regexcode._kept == {}
        assert regexcode._compile("a+b", 0) == RE_COMPILE("a+b", 0)
        monkeypatch.setattr(regexcode, "_kept", {})


def test_code_the_engine_refuses_is_compiled_anew(fresh: Path) -> None:
    regexcode._kept[("a+b", 0)] = (0, [999999], 0, {}, (None,))
    assert regexcode._compile("a+b", 0) == RE_COMPILE("a+b", 0)
    assert regexcode._kept[("a+b", 0)][1] != [999999]


def test_a_debug_flag_or_a_parsed_pattern_goes_to_re(
    fresh: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert regexcode._compile("a+b", re.DEBUG) == RE_COMPILE("a+b", re.DEBUG)
    parsed = re._parser.parse("x|y", 0)  # type: ignore[attr-defined]
    assert regexcode._compile(parsed, 0).match("y")
    assert regexcode._kept == {}


def test_installed_re_compiles_through_it(fresh: Path) -> None:
    regexcode.install()
    try:
        pattern = re.compile(r"仅供 regexcode 测试 \d+")  # not in re's own cache
        assert pattern == RE_COMPILE(r"仅供 regexcode 测试 \d+", 0)
        assert (r"仅供 regexcode 测试 \d+", 0) in regexcode._kept
    finally:
        re._compiler.compile = RE_COMPILE  # type: ignore[attr-defined]
