"""A cold build's new folder is marked the top of its own directory hierarchy (``chattr
+T``) where the file system supports it: ext4 then spreads the agencies' folders over the
disk rather than putting them beside the output's parent, where earlier sites were just
deleted (write.top_of_its_own). The files are the same either way."""

from __future__ import annotations

import array
import fcntl
import os
from pathlib import Path

import pytest
from conftest import PORTAL, nianbao
from nianbao.write import FS_IOC_GETFLAGS, FS_TOPDIR_FL, top_of_its_own


def _flags(folder: Path) -> int:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        flags = array.array("i", [0])
        fcntl.ioctl(fd, FS_IOC_GETFLAGS, flags, True)
        return flags[0]
    finally:
        os.close(fd)


def test_a_site_built_afresh_is_the_top_of_its_own_hierarchy(tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    probe.mkdir()
    if not top_of_its_own(probe):
        pytest.skip("the file system here keeps no such mark")
    out = tmp_path / "site"
    run = nianbao("build", "--content", PORTAL, "--out", out)
    assert run.code == 0, run.out
    assert _flags(out) & FS_TOPDIR_FL
    assert not _flags(tmp_path) & FS_TOPDIR_FL  # only the site itself


def test_a_folder_that_cannot_be_marked_is_left_as_it_is(tmp_path: Path) -> None:
    assert top_of_its_own(tmp_path / "missing") is False
    (tmp_path / "file").write_text("x")
    assert top_of_its_own(tmp_path / "file") is False
    assert (tmp_path / "file").read_text() == "x"
