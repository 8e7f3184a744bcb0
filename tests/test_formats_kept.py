"""The format descriptions are kept parsed (formats/descriptions.py, marshal beside the
code's bytecode): what is read back must be exactly what YAML reads, and anything odd
about the kept file means reading the YAML again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nianbao.formats.descriptions as descriptions
import pytest
import yaml
from nianbao import formats


def parsed() -> list[object]:
    return [
        yaml.load(p.read_text("utf-8"), Loader=yaml.CSafeLoader)
        for p in sorted(descriptions.HERE.glob("f*.yaml"))
    ]


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "__pycache__" / "formats.marshal"
    monkeypatch.setattr(descriptions, "KEPT", path)
    return path


def test_what_is_kept_is_what_yaml_reads(kept: Path) -> None:
    assert descriptions.read_descriptions() == parsed()  # parsed, and kept
    assert kept.is_file()
    assert descriptions.read_descriptions() == parsed()  # read back


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other text"])
def test_a_damaged_or_foreign_kept_file_is_read_again(kept: Path, damage: str) -> None:
    descriptions.read_descriptions()
    data = kept.read_bytes()
    if damage == "garbage":
        kept.write_bytes(b"\x00garbage" * 16)
    elif damage == "truncated":
        kept.write_bytes(data[: len(data) // 2])
    else:  # kept for other descriptions: the digest of the text differs
        signature = len(descriptions._MAGIC) + 32
        other = data[:signature]
        other = other[:-1] + bytes([other[-1] ^ 1])
        kept.write_bytes(other + data[signature:])
    assert descriptions.read_descriptions() == parsed()
    assert kept.read_bytes() == data  # written again whole


def test_a_build_reading_one_report_needs_no_yaml_for_the_formats() -> None:
    """In a fresh interpreter, with the descriptions kept: the formats load without YAML."""
    formats.all_formats()  # keeps them, if not yet
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from nianbao.formats import all_formats; all_formats(); "
            "print('yaml' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout == "False\n"
