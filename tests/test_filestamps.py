"""The output files' stamps kept per folder (filestamps.Stamps): whatever is asked, set
and removed, they answer as a plain dict of every stamp does, decoding only the folders
asked for; a folder's stamps that do not read (a record nianbao did not write, its CRC
right) mean no record, or a build from scratch, never a traceback or a wrong site."""

from __future__ import annotations

import marshal
import shutil
import time
from pathlib import Path

import pytest
from conftest import PORTAL, nianbao
from hypothesis import given, settings
from hypothesis import strategies as st
from nianbao import manifest, outfolders
from nianbao.filestamps import DamagedRecord, Stamps
from test_build import tree
from test_incremental import edit_narrative

PATHS = ["index.html", "a/index.html", "a/b.csv", "a/2020/index.html", "b/2020/x.json", "c/d"]
stamp = st.tuples(st.integers(0, 9), st.integers(0, 9), st.sampled_from(["x", "y"]))
op = st.tuples(st.sampled_from(["set", "del", "get", "copy", "reread"]), st.sampled_from(PATHS))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(PATHS), stamp), st.lists(st.tuples(op, stamp)))
def test_stamps_answer_as_a_dict_does(start: dict, ops: list) -> None:
    model = dict(start)
    stamps = Stamps(Stamps.of(start).chunks())  # as read from a record: nothing decoded
    for (what, path), value in ops:
        if what == "set":
            model[path] = value
            stamps[path] = value
        elif what == "del":
            assert (model.pop(path, None) is None) == (stamps.pop(path, None) is None)
        elif what == "get":
            assert stamps.get(path) == model.get(path)
            assert (path in stamps) == (path in model)
        elif what == "copy":
            copied = stamps.copy()
            assert copied == stamps
            copied[path] = value  # the copy changes alone
            assert stamps.get(path) == model.get(path)
        else:  # written and read back
            stamps = Stamps(stamps.chunks())
        assert len(stamps) == len(model)
    assert dict(stamps) == model
    assert Stamps(stamps.chunks()) == stamps == Stamps.of(model)
    counts: dict[str, int] = {}
    for path in model:
        folder = path.rpartition("/")[0]
        counts[folder] = counts.get(folder, 0) + 1
    assert dict(stamps.counts()) == counts


def test_only_the_folders_asked_for_are_decoded() -> None:
    files = {f"f{i}/index.html": (i, i, "d") for i in range(100)}
    stamps = Stamps(Stamps.of(files).chunks())
    assert stamps["f7/index.html"] == (7, 7, "d") and "f8/x" not in stamps
    assert stamps._open.keys() == {"f7", "f8"}
    assert sum(n for _, n in stamps.counts()) == 100 and stamps._open.keys() == {"f7", "f8"}
    copied = stamps.copy()
    copied["f9/index.html"] = (9, 9, "e")
    assert copied != stamps and copied.copy() == copied


@pytest.mark.parametrize("chunk", [b"", b"\xff\x00", b"garbage", marshal.dumps([1, 2])])
def test_a_folder_that_does_not_read_is_a_damaged_record(chunk: bytes) -> None:
    stamps = Stamps({"a": (1, chunk), "b": (1, marshal.dumps({"x": (1, 2, "d")}))})
    assert stamps["b/x"] == (1, 2, "d")
    with pytest.raises(DamagedRecord):
        stamps.get("a/x")


def _forge_chunk(state: Path, folder: str) -> None:
    """The record with ``folder``'s stamps cut short and its CRC right: whole and checked,
    but not what nianbao wrote."""
    raw = (state / manifest.NAME).read_bytes()
    key, pages, chunks, across, records = manifest.unpacked(raw)
    count, data = chunks[folder]
    chunks[folder] = (count, data[: len(data) // 2])
    (state / manifest.NAME).write_bytes(manifest.packed(key, pages, chunks, across, records))
    (state / manifest.DELTA).unlink(missing_ok=True)


def test_a_folder_found_damaged_by_the_survey_means_no_record(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    state = tmp_path / ".nianbao-cache" / "site"
    _forge_chunk(state, "demo-bureau/2021")
    (out / "demo-bureau/2021/index.html").unlink()  # the survey lists that folder
    before = tree(out)
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 2, run.out + run.err
    assert "不是空目录，也没有 nianbao 生成它的记录" in run.err
    assert "Traceback" not in run.err and tree(out) == before


def test_a_folder_found_damaged_once_pages_are_written_means_from_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outfolders, "RACY_NS", 0)  # every folder recorded as settled
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    time.sleep(0.05)
    state = tmp_path / ".nianbao-cache" / "site"
    _forge_chunk(state, "demo-bureau/2021")  # the survey trusts it: its times are unchanged
    edit_narrative(content)  # the warm build writes demo-bureau/2021/index.html
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 0, run.out + run.err
    assert "更新" not in run.lines[-1]  # from scratch
    clean = tmp_path / "clean"
    assert nianbao("build", "--content", content, "--out", clean).code == 0
    assert tree(out) == tree(clean)
    again = manifest.read(state)
    assert again is not None and dict(again.files).keys() <= set(tree(out))
