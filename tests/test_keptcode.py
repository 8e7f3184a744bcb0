"""keptcode: the kept-code file classcode and regexcode share."""

from __future__ import annotations

from pathlib import Path

from nianbao import keptcode

MAGIC = b"nianbao test 1\n"


def test_written_then_read(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "kept.marshal"
    keptcode.write(path, MAGIC, {"a": [1, 2], "b": (3,)}, used=set(), limit=10)
    assert keptcode.read(path, MAGIC) == {"a": [1, 2], "b": (3,)}


def test_past_the_limit_only_what_was_used(tmp_path: Path) -> None:
    path = tmp_path / "kept.marshal"
    keptcode.write(path, MAGIC, {"a": 1, "b": 2, "c": 3}, used={"b"}, limit=2)
    assert keptcode.read(path, MAGIC) == {"b": 2}


def test_anything_odd_reads_as_nothing(tmp_path: Path) -> None:
    path = tmp_path / "kept.marshal"
    assert keptcode.read(path, MAGIC) == {}  # absent
    keptcode.write(path, MAGIC, {"a": 1}, used=set(), limit=10)
    assert keptcode.read(path, b"nianbao test 2\n") == {}  # another interpreter's
    path.write_bytes(MAGIC + b"\xff\x00 not marshal")
    assert keptcode.read(path, MAGIC) == {}  # damaged
    path.write_bytes(MAGIC + b"i\x01\x00\x00\x00")  # marshal of 1: not a dict
    assert keptcode.read(path, MAGIC) == {}


def test_a_folder_that_cannot_be_written_keeps_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    keptcode.write(blocker / "kept.marshal", MAGIC, {"a": 1}, used=set(), limit=10)
    assert not (blocker / "kept.marshal").exists()
