"""What a cold build's worker takes of the content it read, made the short way, equals the
long way: an agency's digests (the whole folder and each year's, ``Tree.digests``, in one
pass) are ``Tree.digest`` of the folder and of each child, for the fixture portal (reports
of the 2019 and the 2021 format, and an agency mixing them) and for any folder read in
part; a content file read in one call (``read_bounded`` stops at the size fstat gave) is
its bytes whatever its size."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pytest
from conftest import PORTAL
from hypothesis import given, settings
from hypothesis import strategies as st
from nianbao.agencywork import load_and_check
from nianbao.contentfiles import MAX_FILE_BYTES, AgencyFolder, Refused, Tree, read_bounded
from nianbao.sources import scan


def slow(tree: Tree) -> tuple[str, dict[str, str]]:
    """The digests as a pass per child makes them."""
    return tree.digest(), {e.name: tree.digest(e.name) for e in tree.children()}


def test_portal_agencies_digests_are_the_slow_ones() -> None:
    formats: set[tuple[str, str]] = set()
    for slug, folder in scan(PORTAL).agencies.items():
        agency, _ = load_and_check(folder, "portal")
        assert agency is not None
        formats.update((slug, r.format.id) for r in agency.reports.values())
        assert (folder.digest, folder.years) == slow(folder.tree)
        assert set(folder.years) == {e.name for e in folder.tree.children()}
    mixed = {f for s, f in formats if s == "demo-bureau"}
    assert len(mixed) == 2  # one agency with reports of both formats


def test_digests_follow_what_is_read_later(tmp_path: Path) -> None:
    """Taken, then more is read: the digests taken again include it (as the slow way's)."""
    (tmp_path / "a" / "2021").mkdir(parents=True)
    (tmp_path / "a" / "agency.yaml").write_text("name: x\n", "utf-8")
    (tmp_path / "a" / "2021" / "report.yaml").write_text("year: 2021\n", "utf-8")
    (tmp_path / "a" / "2021" / "overview.md").write_text("正文\n", "utf-8")
    folder = AgencyFolder("a", tmp_path, "", os.path.realpath(tmp_path))
    folder.tree.read("agency.yaml")
    first = (folder.digest, folder.years)
    assert first == slow(folder.tree)
    folder.tree.read("2021/report.yaml")
    second = (folder.digest, folder.years)
    assert second == slow(folder.tree)
    assert second[0] != first[0] and second[1]["2021"] != first[1]["2021"]
    assert second[1]["agency.yaml"] == first[1]["agency.yaml"]
    folder.tree.read("2021/overview.md")
    assert (folder.digest, folder.years) == slow(folder.tree)


NAMES = st.sampled_from(["2019", "2021", "2021-x", "agency.yaml", "a", "a.md", "b"])
LAYOUT = st.dictionaries(
    st.tuples(NAMES, st.one_of(st.none(), NAMES)), st.binary(max_size=40), max_size=12
)


@settings(max_examples=60, deadline=None)
@given(LAYOUT, st.data())
def test_any_folder_read_in_part_digests_as_the_slow_way(
    layout: dict[tuple[str, str | None], bytes], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as made:
        root = Path(made)
        agency = root / "agency"
        agency.mkdir()
        files = []
        for (top, below), content in sorted(layout.items(), key=lambda kv: str(kv[0])):
            path = agency / top if below is None else agency / top / below
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
            except (FileExistsError, NotADirectoryError, IsADirectoryError):
                continue  # a name taken as a file and as a folder: the first stays
            files.append(path.relative_to(agency).as_posix())
        folder = AgencyFolder("agency", root, "", os.path.realpath(root))
        for rel in data.draw(st.lists(st.sampled_from(files or ["none"]), max_size=6)):
            with contextlib.suppress(Refused):
                folder.tree.read(rel)
            assert (folder.digest, folder.years) == slow(folder.tree)


@pytest.mark.parametrize(
    "size", [0, 1, 4095, 4096, 1 << 20, (1 << 20) + 1, MAX_FILE_BYTES - 1, MAX_FILE_BYTES]
)
def test_a_file_is_read_whole_whatever_its_size(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    (tmp_path / "f").write_bytes(data)
    assert read_bounded(str(tmp_path / "f")) == data


def test_a_file_is_read_asking_for_its_size_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """os.read allocates what it is asked for: asking a 1 MB buffer for a 3 KB file made
    malloc map, shrink and unmap a megabyte per content file (three system calls and fresh
    pages each). A file of known size is asked for exactly its size, in one call."""
    import nianbao.contentfiles as contentfiles

    asked: list[int] = []
    real_read = os.read

    def read(fd: int, n: int) -> bytes:
        asked.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(contentfiles.os, "read", read)
    (tmp_path / "f").write_bytes(b"x" * 3000)
    assert read_bounded(str(tmp_path / "f")) == b"x" * 3000
    assert asked == [3000]


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(bytes(MAX_FILE_BYTES + 1))
    with pytest.raises(Refused, match="文件过大"):
        read_bounded(str(tmp_path / "f"))


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="Linux procfs")
def test_a_file_whose_size_says_nothing_is_read_to_its_end() -> None:
    """procfs gives its files a size of 0: they are read to the end, not taken as empty."""
    assert os.stat("/proc/self/status").st_size == 0
    assert b"Pid:" in read_bounded("/proc/self/status")
