"""A warm build looks at the output by its folders' times (outfolders): a folder whose
times are unchanged is trusted as recorded; one that changed is listed. What a user may do
to the output by hand (add, delete, replace by renaming, add a folder) is noticed as it
was when every file was looked at; a file rewritten in place is noticed by --verify only.

Most tests here run "settled": no folder counts as recently changed (RACY_NS = 0), as if
the build had finished long ago; each build is followed by a short pause so that what the
test does next gets later times than those recorded (file system times are coarse)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

import pytest
from conftest import PORTAL, nianbao, replace_by_hand
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao import manifest, outdir, outfolders, sources
from test_build import tree
from test_incremental import edit_narrative

FOREIGN = "中有不是 nianbao 生成的文件（“{}”）；为免删除它们，未生成网站"
TICK = 0.05  # s: longer than a file system's time step (a jiffy on ext4)


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outfolders, "RACY_NS", 0)


def build(content: Path, out: Path, *more: str) -> list[str]:
    run = nianbao("build", "--content", content, "--out", out, *more)
    assert run.code == 0, run.out + run.err
    time.sleep(TICK)
    return run.lines


def clean_build(content: Path, tmp: Path) -> dict[str, str]:
    out = tmp / "clean-build"
    shutil.rmtree(out, ignore_errors=True)
    build(content, out)
    return tree(out)


def record(out: Path) -> outfolders.Folders:
    found = outfolders.read(outdir.target(out).state)
    assert found is not None
    return found


def repaired(lines: list[str], count: int) -> bool:
    return f"（其中 {count} 个是输出目录中被改动或删除的文件，已恢复），" in lines[-1]


# ---------------------------------------------------------------------------------------
# Noticed by a plain build


@pytest.mark.usefixtures("settled")
def test_a_build_that_changed_nothing_trusts_every_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(PORTAL, out)
    first = record(out)
    assert outfolders.UNSURE not in first.values()
    assert set(first) >= {"", "town-a", "town-a/2022", "data/2022", "assets"}
    kept = (outdir.target(out).state / outfolders.NAME).stat().st_mtime_ns
    assert "，更新 0 个，" in build(PORTAL, out)[-1]
    assert (outdir.target(out).state / outfolders.NAME).stat().st_mtime_ns == kept


@pytest.mark.usefixtures("settled")
@pytest.mark.parametrize("where", ["town-a/notes.txt", "CNAME", "data/2022/x.csv"])
def test_a_file_added_to_a_folder_is_refused(tmp_path: Path, where: str) -> None:
    out = tmp_path / "site"
    build(PORTAL, out)
    (out / where).write_text("mine\n")
    run = nianbao("build", "--content", PORTAL, "--out", out)
    assert run.code == 2
    assert FOREIGN.format(where) in run.err
    assert (out / where).read_text() == "mine\n"


@pytest.mark.usefixtures("settled")
def test_a_new_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(PORTAL, out)
    (out / "town-a/notes/2024").mkdir(parents=True)
    (out / "town-a/notes/2024/a.txt").write_text("mine\n")
    run = nianbao("build", "--content", PORTAL, "--out", out)
    assert run.code == 2
    assert FOREIGN.format("town-a/notes/2024/a.txt") in run.err


@pytest.mark.usefixtures("settled")
def test_an_empty_new_folder_is_nobodys(tmp_path: Path) -> None:
    """As when every file was looked at: an empty folder holds nothing to lose."""
    out = tmp_path / "site"
    build(PORTAL, out)
    (out / "drafts").mkdir()
    assert "，更新 0 个，" in build(PORTAL, out)[-1]


@pytest.mark.usefixtures("settled")
def test_a_deleted_page_is_written_again(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(PORTAL, out)
    (out / "index.html").unlink()
    assert repaired(build(PORTAL, out), 1)
    assert tree(out) == clean_build(PORTAL, tmp_path)


@pytest.mark.usefixtures("settled")
def test_a_page_replaced_by_renaming_is_written_again(tmp_path: Path) -> None:
    """As an editor saves: a new file renamed over the page, in the page's folder."""
    out = tmp_path / "site"
    build(PORTAL, out)
    replace_by_hand(out / "town-a/2022/index.html", "改过了\n")
    assert repaired(build(PORTAL, out), 1)
    assert tree(out) == clean_build(PORTAL, tmp_path)


@pytest.mark.usefixtures("settled")
def test_a_deleted_folder_is_written_again(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(PORTAL, out)
    shutil.rmtree(out / "demo-bureau/2020")
    shutil.rmtree(out / "data")
    lines = build(PORTAL, out)
    assert "输出目录中被改动或删除的文件，已恢复" in lines[-1]
    assert tree(out) == clean_build(PORTAL, tmp_path)


@pytest.mark.usefixtures("settled")
def test_an_unreadable_output_folder_is_said_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder whose times changed is listed; one that cannot be (no read permission:
    root reads it all the same, so here its listing fails as it would for anyone else)
    stops the build with a message, the site as it was."""
    out = tmp_path / "site"
    build(PORTAL, out)
    (out / "town-a/2022/x.txt").write_text("mine\n")
    (out / "town-a/2022/x.txt").unlink()  # the folder's times change: it is listed
    before = tree(out)
    folder = str(out / "town-a/2022")
    real = os.scandir

    def scandir(path: str) -> Any:
        if path == folder:
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    run = nianbao("build", "--content", PORTAL, "--out", out)
    assert "Traceback" not in run.out + run.err
    assert (run.code, run.err) == (1, f"nianbao: 错误: 无法读取 {folder}：没有读取权限\n")
    assert tree(out) == before


@pytest.mark.usefixtures("settled")
def test_a_folder_replaced_by_a_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(PORTAL, out)
    shutil.rmtree(out / "town-a/2022")
    (out / "town-a/2022").write_text("mine\n")
    run = nianbao("build", "--content", PORTAL, "--out", out)
    assert run.code == 2
    assert FOREIGN.format("town-a/2022") in run.err


# ---------------------------------------------------------------------------------------
# The record: when it is not trusted


@pytest.mark.usefixtures("settled")
@pytest.mark.parametrize(
    "spoil",
    [
        lambda p: p.write_bytes(p.read_bytes()[:-3]),  # cut short
        lambda p: p.write_bytes(p.read_bytes()[:-1] + b"?"),  # a byte changed
        lambda p: p.write_bytes(b"nianbao folders 0 marshal 4\n"),  # another version
        lambda p: p.unlink(),
    ],
    ids=["cut short", "byte changed", "other version", "absent"],
)
def test_without_a_sound_record_every_file_is_looked_at(
    tmp_path: Path, spoil: Callable[[Path], None]
) -> None:
    """Shown by an edit in place, which only a look at every file notices."""
    out = tmp_path / "site"
    build(PORTAL, out)
    spoil(outdir.target(out).state / outfolders.NAME)
    (out / "town-a/2022/index.html").write_text("改过了\n")
    assert repaired(build(PORTAL, out), 1)
    assert tree(out) == clean_build(PORTAL, tmp_path)
    assert record(out)  # and written again


def test_a_record_of_another_shape_is_no_record(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(PORTAL, out)
    state = outdir.target(out).state
    outfolders.write(state, {"": (1, 2, 3)})  # type: ignore[dict-item]
    assert outfolders.read(state) is None
    assert "，更新 0 个，" in build(PORTAL, out)[-1]


@pytest.mark.parametrize(
    "packed",
    [
        ("\0a", b"\0" * 16),  # one pair of times for two folders
        ("a\0b", b"\0" * 32),  # the output itself ("") not in it
        ("", b"\0" * 15),  # not whole numbers
        (["", "a"], b"\0" * 32),  # not the packed names
    ],
)
def test_the_workers_trust_no_record_of_another_shape(tmp_path: Path, packed: Any) -> None:
    """outfolders.surveyed reads the record as packed, never making it a dict: what
    read_checked refuses, it refuses too (and the build then looks for itself)."""
    state = tmp_path / "state"
    (tmp_path / "site").mkdir()
    state.mkdir()
    (state / outfolders.NAME).write_bytes(outfolders.framed(outfolders.MAGIC, packed))
    assert outfolders.read_checked(state) is None
    assert outfolders.surveyed(state) is None
    outfolders.write(state, {"": (1, 2), "a": (3, 4)})  # and a sound one is compared
    assert outfolders.surveyed(state) == (outfolders.read_checked(state)[1], ["", "a"])  # type: ignore[index]


# ---------------------------------------------------------------------------------------
# What is given up, and the folders listed again


@pytest.mark.usefixtures("settled")
def test_an_edit_in_place_is_noticed_by_verify_only(tmp_path: Path) -> None:
    """The trade-off: a page rewritten in place (same name, no rename) leaves its folder
    as it was, so a plain build trusts it; build --verify reads every byte."""
    out = tmp_path / "site"
    build(PORTAL, out)
    page = out / "town-a/2022/index.html"
    page.write_text("改过了\n")
    assert "，更新 0 个，" in build(PORTAL, out)[-1]
    assert page.read_text() == "改过了\n"
    assert repaired(build(PORTAL, out, "--verify"), 1)
    assert tree(out) == clean_build(PORTAL, tmp_path)


def test_a_folder_changed_just_before_it_was_recorded_is_listed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder whose times are recent may change again unseen (times are coarse): it is
    listed by the next build. Here every folder is recent (an hour counts as racy)."""
    monkeypatch.setattr(outfolders, "RACY_NS", 3600 * 10**9)
    out = tmp_path / "site"
    build(PORTAL, out)
    assert set(record(out).values()) == {outfolders.UNSURE}
    (out / "town-a/2022/index.html").write_text("改过了\n")  # in place: seen all the same
    assert repaired(build(PORTAL, out), 1)


@pytest.mark.usefixtures("settled")
def test_folders_a_warm_build_wrote_into_are_listed_again(portal: Path, tmp_path: Path) -> None:
    """A warm build cannot tell its own changes to a folder from someone else's meanwhile,
    so the next build lists the folders it wrote into (and only those)."""
    out = tmp_path / "site"
    build(portal, out)
    edit_narrative(portal)
    build(portal, out)
    now = record(out)
    unsure = {folder for folder, times in now.items() if times == outfolders.UNSURE}
    assert {"", "demo-bureau", "demo-bureau/2021"} <= unsure
    assert "town-a/2022" not in unsure
    (out / "demo-bureau/2021/index.html").write_text("改过了\n")  # in place
    assert repaired(build(portal, out), 1)  # (which wrote into those folders again)
    assert "，更新 0 个，" in build(portal, out)[-1]
    assert outfolders.UNSURE not in record(out).values()  # listed once more, then trusted
    assert tree(out) == clean_build(portal, tmp_path)


# ---------------------------------------------------------------------------------------
# By the folders' times == by every file


OPS = ["add file", "add folder", "delete", "replace", "delete folder", "folder to file"]


@pytest.mark.usefixtures("settled")
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 10**6)), max_size=4))
def test_the_folders_times_find_what_every_file_finds(
    built: Path, tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[str, int]]
) -> None:
    """Any mix of changes by hand (but edits in place): the survey by the folders' times
    refuses, or finds damaged, exactly what the survey of every file does."""
    out = tmp_path_factory.mktemp("copy") / "site"
    shutil.copytree(built, out)
    t = outdir.target(out)
    shutil.copytree(outdir.target(built).state, t.state)
    written = manifest.read(t.state)
    assert written is not None
    outdir.finish(t, written.files)  # the record, for this copy
    time.sleep(TICK)
    for op, pick in ops:
        _change(out, op, pick)
    by_times = _survey(t, written.files, None)
    by_files = _survey(t, written.files, set())  # an unfinished build: every file
    assert by_times == by_files
    # the folders compared with the record as the early scan's workers do (below)
    early = outfolders.surveyed(t.state)
    checked = outfolders.read_checked(t.state)
    assert early is not None and checked is not None and early[0] == checked[1]
    assert early[1] == outfolders.suspects(str(t.path), checked[0])
    assert _survey(t, written.files, None, early) == by_files


def _survey(
    t: outdir.Target,
    files: MutableMapping[str, manifest.Stamp],
    pending: set[str] | None,
    early: outfolders.Suspects | None = None,
) -> str:
    try:
        return repr(sorted(outdir.survey(t, files, pending, False, early).damaged))
    except outdir.OutputRefused as refused:
        return str(refused)


@pytest.mark.usefixtures("settled")
def test_the_early_scans_workers_compare_the_folders(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    shutil.copytree(built, out)
    t = outdir.target(out)
    shutil.copytree(outdir.target(built).state, t.state)
    written = manifest.read(t.state)
    assert written is not None
    outdir.finish(t, written.files)
    time.sleep(TICK)
    (out / "demo-bureau/2021/index.html").unlink()
    shutil.rmtree(out / "town-a/2022")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sources, "PARALLEL_SCAN_FROM", 1)
        scanning = sources.Scanning(PORTAL, 2, t.state)
        try:
            early = scanning.output_suspects()
        finally:
            scanning.close()
    assert early == outfolders.surveyed(t.state)
    assert early is not None and sorted(early[1]) == ["demo-bureau/2021", "town-a", "town-a/2022"]


def test_suspects_of_another_record_are_not_used(tmp_path: Path) -> None:
    """The workers compared the folders with a record since replaced (by a build that
    finished meanwhile): the survey looks for itself."""
    out = tmp_path / "site"
    build(PORTAL, out)
    t = outdir.target(out)
    written = manifest.read(t.state)
    assert written is not None
    (out / "demo-bureau/2021/index.html").unlink()
    wrong = (b"not this record", [])  # would trust every folder
    assert outdir.survey(t, written.files, None, False, wrong).damaged == {
        "demo-bureau/2021/index.html"
    }


@pytest.mark.usefixtures("settled")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_deleted_page_is_written_again_whoever_surveys(
    portal: Path, tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By the build itself (one job) or by the early scan's workers (two)."""
    monkeypatch.setattr(sources, "PARALLEL_SCAN_FROM", 1)
    out = tmp_path / "site"
    build(portal, out, "--jobs", jobs)
    (out / "demo-bureau/2021/index.html").unlink()
    edit_narrative(portal)
    assert repaired(build(portal, out, "--jobs", jobs), 1)
    assert tree(out) == clean_build(portal, tmp_path)


def _change(out: Path, op: str, pick: int) -> None:
    files = sorted(p for p in out.rglob("*") if p.is_file())
    folders = sorted(p for p in out.rglob("*") if p.is_dir())
    if not files or not folders:
        return
    page, folder = files[pick % len(files)], folders[pick % len(folders)]
    if op == "add file":
        (folder / f"added-{pick}.txt").write_text("mine\n")
    elif op == "add folder":
        (folder / f"new-{pick}").mkdir(exist_ok=True)
        (folder / f"new-{pick}/a.txt").write_text("mine\n")
    elif op == "delete":
        page.unlink()
    elif op == "replace":
        replace_by_hand(page, "改过了\n")
    elif op == "delete folder":
        shutil.rmtree(folder)
    else:
        shutil.rmtree(folder)
        folder.write_text("mine\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "site"
    assert nianbao("build", "--content", PORTAL, "--out", out).code == 0
    return out


def test_the_record_lives_outside_the_output(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(PORTAL, out)
    assert (tmp_path / ".nianbao-cache/site" / outfolders.NAME).is_file()
    assert not [p for p in os.listdir(out) if p.startswith(".")]


def test_the_workers_find_the_output_from_its_cache_folder(tmp_path: Path) -> None:
    """The early scan's workers are handed the cache folder only (outfolders.surveyed):
    the output they compare must be the one whose cache folder it is."""
    out = tmp_path / "portal" / "site"
    state = outdir.target(out).state
    assert state == tmp_path / "portal" / ".nianbao-cache" / "site"
    assert outfolders.output_of(state) == str(outdir.target(out).path)
