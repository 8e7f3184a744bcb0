"""The content scan with the folders' listings kept from one scan to the next (scancache):
whatever happens to the content between two scans, each agency's signature is the very
one the plain walk (every folder listed) gives.

Time is the subtle part. A listing is kept only when its folder had not changed in the
``RACY_NS`` before it was listed, so a change after the listing always moves the folder's
times. The tests fake the scan's clock (``Clock``) so a scan can see the content as just
changed or as settled, without waiting two seconds; a "settled" scan is then followed by
a pause of a few clock ticks before the content changes again, as real time would be.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import PORTAL, Clock, nianbao
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao import scancache, sources
from nianbao.outdir import CACHE
from test_build import tree
from test_incremental import full_build

TICK = 0.02  # s: longer than the file system clock's tick (a jiffy: 1–10 ms)


@pytest.fixture
def unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders without read permission cannot be listed: root lists them all the same, so
    under root a listing of one fails as it would for anyone else."""
    if os.geteuid() != 0:
        return
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if isinstance(path, str) and not os.stat(path).st_mode & stat.S_IRUSR:
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def signatures(content: Path, state: Path | None, jobs: int = 1) -> dict[str, str]:
    return {s: f.signature for s, f in sources.scan(content, jobs, state).agencies.items()}


def assert_as_walked(content: Path, state: Path) -> None:
    """The scan with the kept listings (twice: as kept by the last scan, and by this one)
    gives every agency the signature of the plain walk."""
    plain = signatures(content, None)
    assert signatures(content, state) == plain
    assert signatures(content, state) == plain


def _entries(content: Path) -> list[Path]:
    """Everything under ``content`` (links not followed), the folder itself first."""
    found = [content]
    for folder, dirs, files in os.walk(content):
        found += [Path(folder, n) for n in sorted(dirs + files)]
    return found


def _pick(content: Path, i: int, folders: bool = False) -> Path:
    entries = [p for p in _entries(content) if not folders or (p.is_dir() and not p.is_symlink())]
    return entries[i % len(entries)]


NAMES = st.sampled_from(["a", "b", "2023", "agency.yaml", ".dot", "_x", "年报.md", "a b"])
INDEX = st.integers(0, 60)
OPS = st.one_of(
    st.tuples(st.just("file"), INDEX, NAMES, st.binary(max_size=3)),
    st.tuples(st.just("folder"), INDEX, NAMES),
    st.tuples(st.just("remove"), INDEX),
    st.tuples(st.just("rename"), INDEX, INDEX, NAMES),
    st.tuples(st.just("edit"), INDEX, st.binary(max_size=3)),
    st.tuples(st.just("edit, time kept"), INDEX, st.binary(max_size=3)),
    st.tuples(
        st.just("link"),
        INDEX,
        NAMES,
        st.sampled_from(["entry", "outside", "dangling", "content"]),
        INDEX,
    ),
    st.tuples(st.just("lock"), INDEX, st.sampled_from([0o000, 0o300])),
    st.tuples(st.just("unlock"), INDEX),
    st.tuples(st.just("scan"), st.booleans()),
)


def _apply(op: tuple[Any, ...], content: Path, outside: Path) -> None:
    kind = op[0]
    if kind == "file":
        (_pick(content, op[1], folders=True) / op[2]).write_bytes(op[3])
    elif kind == "folder":
        (_pick(content, op[1], folders=True) / op[2]).mkdir()
    elif kind == "remove":
        p = _pick(content, op[1])
        if p != content:
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
    elif kind == "rename":
        p = _pick(content, op[1])
        if p != content:
            p.rename(_pick(content, op[2], folders=True) / op[3])
    elif kind in ("edit", "edit, time kept"):
        p = _pick(content, op[1])
        if p.is_file() and not p.is_symlink():
            before = p.stat()
            with p.open("r+b") as f:  # in place: the same file, as an editor saving in place
                f.write(op[2])
            if kind == "edit, time kept":
                os.utime(p, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif kind == "link":
        where = _pick(content, op[1], folders=True) / op[2]
        targets = {
            "entry": _pick(content, op[4]),
            "outside": outside,
            "dangling": content / "nothing-here",
            "content": content,
        }
        where.symlink_to(targets[op[3]])
    elif kind == "lock":
        p = _pick(content, op[1], folders=True)
        if p != content:
            p.chmod(op[2])
    elif kind == "unlock":
        _pick(content, op[1], folders=True).chmod(0o755)


def _unlock(folder: Path) -> None:
    subprocess.run(["chmod", "-R", "u+rwx", folder], check=True)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, max_size=14))
def test_kept_listings_give_the_walks_signatures(
    ops: list[tuple[Any, ...]], clock: Clock, unreadable: None
) -> None:
    with tempfile.TemporaryDirectory(prefix="nianbao-scan-") as tmp:
        try:
            _changes_seen(Path(tmp), ops, clock)
        finally:
            _unlock(Path(tmp))


def _changes_seen(tmp: Path, ops: list[tuple[Any, ...]], clock: Clock) -> None:
    content, state, outside = tmp / "content", tmp / "state", tmp / "outside"
    for agency in ("a", "b"):
        (content / agency / "2022").mkdir(parents=True)
        (content / agency / "agency.yaml").write_text("name: x\n")
        (content / agency / "2022" / "report.yaml").write_text("year: 2022\n")
    outside.mkdir()
    (outside / "f").write_text("outside\n")
    clock.settled()
    assert_as_walked(content, state)
    time.sleep(TICK)
    for op in [*ops, ("scan", True), ("scan", False)]:
        if op[0] == "scan":
            clock.settled() if op[1] else clock.just_changed()
            assert_as_walked(content, state)
            time.sleep(TICK)  # a change from now on falls in a later tick of the clock
            continue
        with contextlib.suppress(OSError):  # a name taken, a folder moved into itself…
            _apply(op, content, outside)


def test_an_unchanged_folder_is_not_listed_again(
    folder: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, state = _portal(folder)
    clock.settled()
    first = signatures(content, state)
    listed = _count_listings(monkeypatch)
    assert signatures(content, state) == first == signatures(content, None)
    assert listed == []
    real = content.resolve()
    assert sorted(_kept(state, real, "a")) == [str(real / "a"), str(real / "a" / "2022")]


def test_a_racy_folder_is_listed_again(
    folder: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder changed in the two seconds before the scan is not kept: the next scan
    lists it again (another entry added within the same tick would not move its time)."""
    content, state = _portal(folder)
    clock.settled()
    signatures(content, state)
    time.sleep(TICK)
    (content / "a" / "2022" / "overview.md").write_text("x\n")
    clock.just_changed()
    signatures(content, state)
    real = content.resolve()
    kept = _kept(state, real, "a")
    assert str(real / "a" / "2022") not in kept  # racy: not kept
    assert str(real / "a") in kept  # settled: kept
    listed = _count_listings(monkeypatch)
    signatures(content, state)
    assert listed == [str(real / "a" / "2022")]


def test_a_listing_naming_a_file_gone_is_not_trusted(folder: Path, clock: Clock) -> None:
    """A folder's times put back as they were (by hand, or a tool restoring them) with
    an entry gone: the agency is listed again, whole."""
    content, state = _portal(folder)
    clock.settled()
    signatures(content, state)
    root = str(content.resolve())
    kept = scancache.read(state, root)
    listings = scancache.listings(kept["a"])
    year = os.path.join(root, "a", "2022")
    mtime, ctime, names, kinds = listings[year]
    listings[year] = (mtime, ctime, (*names, "gone.md"), kinds + "f")
    kept["a"] = scancache.packed(listings)
    scancache.write(state, root, kept)
    assert signatures(content, state) == signatures(content, None)
    assert _kept(state, Path(root), "a")[year][2] == names  # and kept as listed now


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b"",
        lambda b: b[:-7],
        lambda b: b[:40],
        lambda b: b[:-1] + bytes([b[-1] ^ 1]),
        lambda b: b"nianbao scan 0" + b[14:],
        lambda b: b"\x00" * len(b),
    ],
    ids=["empty", "cut short", "cut in the head", "a bit flipped", "another version", "zeros"],
)
def test_a_damaged_record_means_a_full_scan(
    folder: Path, clock: Clock, damage: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, state = _portal(folder)
    clock.settled()
    signatures(content, state)
    record = state / scancache.NAME
    record.write_bytes(damage(record.read_bytes()))
    listed = _count_listings(monkeypatch)
    assert signatures(content, state) == signatures(content, None)
    assert len(listed) == 4  # every folder
    assert scancache.read(state, str(content.resolve()))  # written again


@pytest.mark.parametrize(
    "odd",
    [
        lambda listing: b"junk",
        lambda listing: scancache.packed([1, 2]),  # type: ignore[arg-type]
        lambda listing: scancache.packed(dict.fromkeys(listing, 5)),  # type: ignore[arg-type]
        lambda listing: scancache.packed({k: (*v[:2], v[2], "fx") for k, v in listing.items()}),
        lambda listing: scancache.packed({k: (*v[:2], (5,), "f") for k, v in listing.items()}),
    ],
    ids=["not marshal", "not a dict", "not a listing", "kinds and names apart", "not a name"],
)
def test_an_odd_listing_means_the_agency_is_listed(folder: Path, clock: Clock, odd: Any) -> None:
    """A record whose check sum holds but whose listings are not what a scan writes
    (written by hand, or by a nianbao with a bug) is no reason for a traceback."""
    content, state = _portal(folder)
    clock.settled()
    signatures(content, state)
    root = str(content.resolve())
    kept = scancache.read(state, root)
    kept["a"] = odd(scancache.listings(kept["a"]))
    scancache.write(state, root, kept)
    assert signatures(content, state) == signatures(content, None)


def test_a_record_of_another_content_folder_is_not_used(folder: Path, clock: Clock) -> None:
    content, state = _portal(folder)
    clock.settled()
    signatures(content, state)
    assert scancache.read(state, str(folder / "elsewhere")) == {}


def test_a_scan_that_changed_nothing_writes_nothing(folder: Path, clock: Clock) -> None:
    content, state = _portal(folder)
    clock.settled()
    signatures(content, state)
    record = state / scancache.NAME
    before = record.stat()
    signatures(content, state)
    after = record.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    shutil.rmtree(content / "b")
    signatures(content, state)
    assert "b" not in scancache.read(state, str(content.resolve()))


def test_worker_processes_keep_the_listings(
    folder: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large portal's scan (in worker processes) keeps and uses listings as well."""
    monkeypatch.setattr(sources, "PARALLEL_SCAN_FROM", 1)
    content, state = _portal(folder)
    clock.settled()
    plain = signatures(content, None)
    assert signatures(content, state, jobs=2) == plain
    assert set(scancache.read(state, str(content.resolve()))) == {"a", "b"}
    time.sleep(TICK)
    (content / "b" / "2023").mkdir()
    (content / "b" / "2023" / "report.yaml").write_text("year: 2023\n")
    clock.settled()
    changed = signatures(content, state, jobs=2)
    assert changed == signatures(content, None) != plain


def _portal(folder: Path) -> tuple[Path, Path]:
    content = folder / "content"
    for agency in ("a", "b"):
        (content / agency / "2022").mkdir(parents=True)
        (content / agency / "agency.yaml").write_text("name: x\n")
        (content / agency / "2022" / "report.yaml").write_text("year: 2022\n")
    return content, folder / "state"


def _kept(state: Path, root: Path, slug: str) -> scancache.Listings:
    return scancache.listings(scancache.read(state, str(root)).get(slug))


def _count_listings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every folder listed from now on (by the scan with kept listings)."""
    listed: list[str] = []
    real = sources._listing

    def listing(path: str) -> Any:
        listed.append(path)
        return real(path)

    monkeypatch.setattr(sources, "_listing", listing)
    return listed


# -- through the command line: each change found by the next build --------------------------


def add_file(c: Path) -> None:
    shutil.copy(c / "demo-bureau/2022/preface.md", c / "demo-bureau/2021/preface.md")


def remove_file(c: Path) -> None:
    (c / "demo-bureau/2022/preface.md").unlink()


def move_file(c: Path) -> None:
    (c / "demo-bureau/2022/preface.md").rename(c / "demo-bureau/2020/preface.md")


def edit_in_place(c: Path) -> None:
    with (c / "town-a/2022/overview.md").open("a", encoding="utf-8") as f:  # the same file
        f.write("\n补充一段说明。\n")


def new_year(c: Path) -> None:
    shutil.copytree(c / "town-a/2022", c / "town-a/2023")
    report = c / "town-a/2023/report.yaml"
    report.write_text(report.read_text("utf-8").replace("year: 2022", "year: 2023"), "utf-8")


CHANGES = {
    "an edit in place": edit_in_place,
    "an added file": add_file,
    "a removed file": remove_file,
    "a file moved to another year": move_file,
    "a new year folder": new_year,
}
SETTLED = 0.06  # s: longer than RACY_NS below


@pytest.mark.parametrize("change", list(CHANGES))
def test_the_next_build_finds_each_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """The content settled (not changed in the last RACY_NS) before each build, so each
    change is found by the folders' times and the files' stamps, not seen as racy."""
    monkeypatch.setattr(sources, "RACY_NS", 50_000_000)
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    args = ["build", "--content", content, "--out", out]
    time.sleep(SETTLED)
    assert nianbao(*args).code == 0
    listed = _count_listings(monkeypatch)
    assert "，更新 0 个，" in nianbao(*args).lines[-1]
    assert listed == []  # every folder's listing kept from the first build
    CHANGES[change](content)
    time.sleep(SETTLED)
    run = nianbao(*args)
    assert run.code == 0, run.out
    assert "，更新 0 个，" not in run.lines[-1]
    assert tree(out) == full_build(content, tmp_path)


def test_a_damaged_record_is_no_problem_for_the_build(tmp_path: Path) -> None:
    out = tmp_path / "site"
    args = ["build", "--content", PORTAL, "--out", out]
    assert nianbao(*args).code == 0
    record = tmp_path / CACHE / "site" / scancache.NAME
    time.sleep(0.01)
    record.write_bytes(record.read_bytes()[:-9])
    run = nianbao(*args)
    assert (run.code, run.err) == (0, "")
    assert "，更新 0 个，" in run.lines[-1]
