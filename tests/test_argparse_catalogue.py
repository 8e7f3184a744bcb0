"""cli finds argparse's message catalogue once a process (cli._argparse_catalogue) instead
of once a string: argparse's own strings read as gettext.gettext translates them, with no
catalogue (the usual case) and with one."""

from __future__ import annotations

import argparse
import gettext
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import nianbao
from nianbao import cli

# strings argparse translates while it makes and uses nianbao's parser
ARGPARSE_STRINGS = ["usage: ", "options", "show this help message and exit", "positional arguments"]


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """argparse's gettext as it was, and the catalogue looked for again."""
    monkeypatch.setattr(argparse, "_", argparse._, raising=False)  # type: ignore[attr-defined]
    cli._argparse_catalogue.cache_clear()
    yield
    cli._argparse_catalogue.cache_clear()


def mo_file(path: Path, messages: dict[str, str]) -> None:
    """A GNU message catalogue (.mo) holding ``messages``, UTF-8."""
    entries = sorted({"": "Content-Type: text/plain; charset=UTF-8\n", **messages}.items())
    ids = [k.encode() for k, _ in entries]
    strs = [v.encode() for _, v in entries]
    start = 7 * 4 + 16 * len(entries)
    table_ids: list[tuple[int, int]] = []
    table_strs: list[tuple[int, int]] = []
    data = b""
    for raw, table in [(i, table_ids) for i in ids] + [(s, table_strs) for s in strs]:
        table.append((len(raw), start + len(data)))
        data += raw + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, len(entries), 28, 28 + 8 * len(entries), 0, 0)
    tables = b"".join(struct.pack("<2I", *e) for e in table_ids + table_strs)
    path.parent.mkdir(parents=True)
    path.write_bytes(header + tables + data)


def test_without_a_catalogue_the_strings_are_argparse_own(fresh: None) -> None:
    cli._parser()
    for text in ARGPARSE_STRINGS:
        assert argparse._(text) == gettext.gettext(text) == text  # type: ignore[attr-defined]


def test_a_catalogue_translates_as_gettext_does(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mo_file(tmp_path / "zz/LC_MESSAGES/messages.mo", {"usage: ": "用法："})
    monkeypatch.setenv("LANGUAGE", "zz")
    domain = gettext.textdomain()
    before = gettext.bindtextdomain(domain)
    gettext.bindtextdomain(domain, str(tmp_path))
    try:
        cli._parser()
        for text in ARGPARSE_STRINGS:
            assert argparse._(text) == gettext.gettext(text)  # type: ignore[attr-defined]
        assert argparse._("usage: ") == "用法："  # type: ignore[attr-defined]
    finally:
        gettext.bindtextdomain(domain, before)


def test_the_help_reads_as_before() -> None:
    run = nianbao("--help")
    assert run.code == 0
    assert run.lines[0].startswith("usage: nianbao [-h] [--version] 命令 ...")
    assert any("show this help message and exit" in line for line in run.lines)
