"""The writer's path check: the string fast path (a path already plain) gives what parsing
the path as a PurePosixPath gives, and every unsafe form is refused."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nianbao.contentfiles import digest, hasher
from nianbao.outputs import Output
from nianbao.write import PieceFile, UnsafeOutput, Writer, safe_path


def parsed(path: str) -> str:
    """The check as it was: the path parsed, refused or normalised."""
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or not p.parts or "\\" in path or "\x00" in path:
        raise UnsafeOutput(path)
    return p.as_posix()


UNSAFE = [
    "",
    ".",
    "./",
    "/",
    "//",
    "/etc/passwd",
    "//host/x",
    "../x",
    "a/../../x",
    "a/..",
    "..",
    "a\\b",
    "..\\x",
    "a\x00b",
]
ODD_BUT_SAFE = ["a//b", "./a", "a/./b", "a/", "a/.", "a//", "./a/./b/"]


@pytest.mark.parametrize("path", UNSAFE)
def test_unsafe_paths_are_refused(path: str) -> None:
    with pytest.raises(UnsafeOutput):
        safe_path(path)


@pytest.mark.parametrize(
    "path", [*ODD_BUT_SAFE, "a", "a/b/index.html", "a.b/..c", "...", "年/表.csv"]
)
def test_safe_paths_are_normalised_as_parsed(path: str) -> None:
    assert safe_path(path) == parsed(path)


@given(
    st.lists(
        st.sampled_from(["a", "b.html", ".", "..", "", "\\", "\x00", "年", "...", "/"]), max_size=6
    )
)
def test_fast_path_equals_parsing(pieces: list[str]) -> None:
    path = "/".join(pieces)
    try:
        want: str | None = parsed(path)
    except UnsafeOutput:
        want = None
    if want is None:
        with pytest.raises(UnsafeOutput):
            safe_path(path)
    else:
        assert safe_path(path) == want


def test_writer_refuses_unsafe_and_repeated_paths(tmp_path: Path) -> None:
    from nianbao.render import Output

    writer = Writer(tmp_path / "out", atomic=True)
    writer.write(Output("a/b/index.html", b"x"))
    writer.write(Output("./a/c.csv", b"yy"))  # normalised before it is recorded
    assert (tmp_path / "out/a/b/index.html").read_bytes() == b"x"
    assert set(writer.stamps) == {"a/b/index.html", "a/c.csv"}
    assert writer.stamps["a/c.csv"][2] == digest(b"yy")
    with pytest.raises(UnsafeOutput):
        writer.write(Output("a/./b/index.html", b"z"))  # the same file again
    with pytest.raises(UnsafeOutput):
        writer.write(Output("../escape.html", b"z"))
    assert not (tmp_path / "escape.html").exists()
    assert sorted(p.name for p in (tmp_path / "out/a").iterdir()) == ["b", "c.csv"]


def test_piece_file_digest_equals_digest_of_its_bytes(tmp_path: Path) -> None:
    piece = PieceFile(tmp_path / "f.csv", atomic=True)
    piece.write(b"abc")
    piece.write(memoryview(b"def" * 1000))
    _, _, stamp_digest = piece.close()
    assert stamp_digest == digest((tmp_path / "f.csv").read_bytes())
    assert len(stamp_digest) == 32 and hasher().name == "blake3"


def test_piece_file_writes_parts_unjoined_as_one_write_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """write_parts hands the parts to os.writev as they are (no joined copy), more of them
    than one call takes, and writes what a short write left; bytes, size and digest are
    those of one write of them joined."""
    import nianbao.write as write

    parts = [bytes([i % 251]) * (i % 7 + 1) for i in range(2500)]
    calls: list[int] = []
    real = os.writev

    def writev(fd: int, buffers: list[bytes]) -> int:
        calls.append(len(buffers))
        if len(calls) == 2:  # a short write: the first half of the first buffer only
            return real(fd, [buffers[0][: len(buffers[0]) // 2]])
        return real(fd, buffers)

    monkeypatch.setattr(write.os, "writev", writev)
    piece = PieceFile(tmp_path / "f.csv", atomic=False)
    piece.write(b"head")
    piece.write_parts(parts)
    assert piece.size == 4 + sum(map(len, parts))
    size, _, made = piece.close()
    whole = b"head" + b"".join(parts)
    assert (tmp_path / "f.csv").read_bytes() == whole
    assert (size, made) == (len(whole), digest(whole))
    assert calls == [1024, 1024, 452]


def test_writer_makes_missing_folders_parent_first(tmp_path: Path) -> None:
    """Folders missing several levels up (the output folder too) are made top down; a
    file standing where a folder must go is an error, never overwritten."""
    from nianbao.render import Output

    writer = Writer(tmp_path / "out" / "site", atomic=False)
    writer.write(Output("a/b/c/d/index.html", b"x"))
    writer.write(Output("a/b/e/index.html", b"y"))
    assert (tmp_path / "out/site/a/b/c/d/index.html").read_bytes() == b"x"
    assert (tmp_path / "out/site/a/b/e/index.html").read_bytes() == b"y"
    (tmp_path / "out/site/f").write_bytes(b"a file")
    with pytest.raises(OSError):
        writer.write(Output("f/g/index.html", b"z"))
    assert (tmp_path / "out/site/f").read_bytes() == b"a file"


@pytest.mark.parametrize("atomic", [False, True])
def test_each_folder_is_made_once_and_parents_first_in_a_fresh_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, atomic: bool
) -> None:
    """A fresh folder (not atomic) makes an agency's folder before its report's, without
    a failed try first; no folder is made twice, whichever file comes first."""
    import nianbao.write as write

    made: list[str] = []
    real_mkdir = os.mkdir

    def mkdir(path: str, *args: object) -> None:
        made.append(os.path.relpath(path, tmp_path))
        real_mkdir(path)

    monkeypatch.setattr(write.os, "mkdir", mkdir)
    writer = Writer(tmp_path, atomic=atomic)
    for path in ["a/2019/index.html", "a/2019/data.json", "a/index.html", "a/2020/x.csv"]:
        writer.write(Output(path, path.encode()))
    for path in ["index.html", "404.html", "data/2019/cells.csv", "data/index.html"]:
        writer.write(Output(path, path.encode()))
    if atomic:  # a folder being served: its report's folder is tried first, as ever
        assert made == ["a/2019", "a", "a/2019", "a/2020", ".", "data/2019", "data", "data/2019"]
    else:
        assert made == ["a", "a/2019", "a/2020", ".", "data", "data/2019"]
    for path in writer.written:
        assert (tmp_path / path).read_bytes() == path.encode()
