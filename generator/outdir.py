"""The output folder: whether it may be replaced, who is writing it, and whether it still
holds what the last build wrote.

Build state lives outside the output, in ``.nianbao-cache/<name>/`` beside it (``site/`` →
``.nianbao-cache/site/``): the manifest, the record of a build in progress, and the lock.
The output holds only what is published, so two builds of the same content in two folders
give identical trees.

An output folder is replaced only when it is empty, or when every file in it is one the
cache records as written by nianbao (or it carries the manifest of an older nianbao).
Anything else (a folder of notes, a git checkout of a pages repository, a file, a link to
somewhere else) is refused, saying why, before anything is read or written.

A warm build compares the output with what was written by its folders' modification
times (outfolders, recorded by ``finish``): a folder unchanged since holds exactly the
entries it held, so its files are trusted without a look each; a changed folder is listed
(a file nianbao did not write is refused, one it wrote that is gone or changed is written
again). Deleting, adding and saving by rename change a folder; rewriting a file in place
does not, so a plain build does not notice that on purpose: ``build --verify`` compares
every file's bytes.

Before a build changes the output it records the paths it may write ("pending"); the
record goes only once the new manifest is in place. A build that finds it knows that the
last one was interrupted, and builds from scratch (and looks at every file first).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import earlyscan, outfolders
from .filestamps import Stamps
from .search import INDEX_FOLDER

if TYPE_CHECKING:
    from .manifest import Stamp

CACHE = outfolders.CACHE
PENDING = "pending"  # the paths an unfinished build may have written, one a line
LEGACY_MANIFEST = ".nianbao-manifest.jsonl"  # nianbao ≤ 0.1 kept its manifest in the output


class OutputRefused(Exception):
    """The output folder will not be written; the message says why, in Chinese."""


@dataclass
class Notes:
    """What one build learned of its output's folders, for ``finish`` (outfolders)."""

    read: outfolders.Folders | None = None  # the record, as the survey read it
    seen: outfolders.Folders | None = None  # each folder's times as the survey found them
    touched: set[str] = field(default_factory=set)  # folders this build wrote into


@dataclass(frozen=True)
class Target:
    shown: str  # as the user wrote it
    path: Path  # the folder's real parent, and its name (the name itself is not followed)
    notes: Notes = field(default_factory=Notes, compare=False, repr=False)

    @property
    def state(self) -> Path:
        return outfolders.state_of(self.path)


def target(out: Path, shown: str | None = None) -> Target:
    """The output folder, refused if it is a link or a file."""
    shown = (shown or out.as_posix()).rstrip("/") + "/"
    if out.name in ("", ".", ".."):
        out = out.resolve()
    path = out.parent.resolve() / out.name
    if path.is_symlink():
        raise OutputRefused(
            f"输出目录 {shown} 是符号链接（指向 {os.readlink(path)}）；为免把网站写到别处或删掉"
            "别处的文件，不会跟随它。请用 --out 指定实际的目录"
        )
    if path.exists() and not path.is_dir():
        raise OutputRefused(
            f"输出目录 {shown} 已存在，但它是一个文件而不是文件夹；不会替换它。请用 --out 另选一个目录"
        )
    return Target(shown, path)


# ---------------------------------------------------------------------------------------
# Who is writing


@contextmanager
def hold(t: Target, who: str, say: Callable[[str], None]) -> Iterator[None]:
    """The output's lock, for one build or a whole ``serve`` (``who``). A build waits for
    another build, saying so; nothing waits for a ``serve``, which may run for hours."""
    made = [p for p in (t.state.parent, t.state) if not p.exists()]
    t.state.mkdir(parents=True, exist_ok=True)
    lock = _Lock(t.state / "lock")
    owner_file = t.state / "owner"
    if not lock.acquire(wait=False):
        owner = _owner(owner_file)
        if owner[0] == "serve":
            lock.release()
            raise OutputRefused(
                f"另一个 nianbao serve（进程 {owner[1]}）正在使用输出目录 {t.shown}；"
                "请先停止它，或用 --out 另选一个目录"
            )
        say(f"另一个 nianbao {owner[0]}（进程 {owner[1]}）正在生成 {t.shown}，等它完成后继续……")
        earlyscan.drop_early()  # taken before the wait: the content may change meanwhile
        lock.acquire(wait=True)
    try:
        owner_file.write_text(f"{who} {os.getpid()}\n", "utf-8")
        clean_leftovers(t)
        yield
    except OutputRefused:
        if made:  # refused before anything was built: leave no trace
            import shutil  # here: see clean_leftovers

            shutil.rmtree(made[0], ignore_errors=True)
        raise
    finally:
        lock.release()


class _Lock:
    """An exclusive lock on one file, released by the system when the process dies.

    The standard library's flock (POSIX) or msvcrt.locking (Windows) rather than the
    filelock package: importing that costs about 40 ms of CPU (logging, inspect), a tenth
    of a warm build, for the two calls used here."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def acquire(self, wait: bool) -> bool:
        if sys.platform == "win32":
            import msvcrt
            import time

            while True:
                try:
                    msvcrt.locking(self.fd, msvcrt.LK_NBLCK, 1)
                    return True
                except OSError:
                    if not wait:
                        return False
                    time.sleep(0.1)
        else:
            import fcntl

            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
                return True
            except BlockingIOError:
                return False

    def release(self) -> None:
        os.close(self.fd)  # closing the descriptor releases the lock (flock and msvcrt)


def _owner(path: Path) -> tuple[str, str]:
    try:
        who, pid = path.read_text("utf-8").split()
        return who, pid
    except (OSError, ValueError):
        return "build", "?"


def clean_leftovers(t: Target) -> None:
    """Folders a killed build left beside the output (only a lock holder may do this)."""
    for prefix in (f".{t.path.name}.new-", f".{t.path.name}.old-"):
        for leftover in t.path.parent.glob(glob_escape(prefix) + "*"):
            if leftover.is_dir() and not leftover.is_symlink():
                import shutil  # here: it loads bz2 and lzma, and a build rarely finds one

                shutil.rmtree(leftover, ignore_errors=True)


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


# ---------------------------------------------------------------------------------------
# What the output holds


@dataclass
class Survey:
    """The output folder compared with the files the cache says were written there."""

    fresh: bool  # absent or empty: nothing to keep
    legacy: bool = False  # made by an older nianbao (manifest inside)
    damaged: set[str] = field(default_factory=set)  # written, since changed or removed


def survey(
    t: Target,
    written: Mapping[str, Stamp] | None,
    pending: set[str] | None,
    verify: bool = False,
    early: outfolders.Suspects | None = None,
) -> Survey:
    """Refuse an output holding files nianbao did not write; find the ones it wrote that
    were changed since. By the folders' times when the last build finished and recorded
    them (outfolders): only the folders changed since are listed. Otherwise (no record,
    an unfinished build, ``verify``) every file is looked at, by size and time, or, with
    ``verify``, by its bytes. ``early``: the folders the early scan's workers found not
    as recorded (outfolders.surveyed), used only if compared with the record read here."""
    if not t.path.is_dir():
        return Survey(fresh=True)
    written = Stamps.of(written or {})
    got = outfolders.read_checked(t.state) if written and pending is None and not verify else None
    record = got[0] if got is not None else None
    found = outfolders.Found(written)
    collecting = gc.isenabled()
    gc.disable()  # nothing made here is garbage: nothing for the collector to look for
    try:
        root = str(t.path)
        suspected: list[str] = []
        if got is not None and early is not None and early[0] == got[1]:
            suspected = early[1]  # compared with this very record by the early scan
        elif record is not None:
            suspected = outfolders.suspects(root, record)
        if record is None or not outfolders.look(root, record, found, suspected):
            record, found = None, outfolders.Found(written)
            outfolders.walk(root, "", found)
    finally:
        if collecting:
            gc.enable()
    if not found.matched and not found.unknown:  # empty, or only empty folders
        return Survey(fresh=True)
    if LEGACY_MANIFEST in found.unknown:
        return Survey(fresh=False, legacy=True)
    extra = set(found.unknown) - pending if pending else found.unknown
    foreign = sorted(p for p in extra if not _ours(p))
    if foreign:
        which = f"“{foreign[0]}”" + (f"等 {len(foreign)} 个文件" if len(foreign) > 1 else "")
        if written or pending:
            raise OutputRefused(
                f"输出目录 {t.shown} 中有不是 nianbao 生成的文件（{which}）；为免删除它们，"
                "未生成网站。请把它们移走，或用 --out 另选一个目录"
            )
        raise OutputRefused(
            f"输出目录 {t.shown} 不是空目录，也没有 nianbao 生成它的记录（其中有{which}）；"
            "为免删除其中的文件，未生成网站。请清空该目录，或用 --out 另选一个目录"
        )
    damaged = found.changed
    if record is None and found.matched < len(written):  # some were removed: which (rare)
        damaged.update(written.keys() - outfolders.files(root, ""))
    if verify:
        from .exports.piece_records import stamp_matches  # a tidy year file's digest: pieced

        damaged.update(
            p for p, (_, _, want) in written.items() if not stamp_matches(t.path, t.state, p, want)
        )
    t.notes.read, t.notes.seen = record, found.seen
    return Survey(fresh=False, damaged=damaged)


def _ours(path: str) -> bool:
    """A page being replaced, or the search index (written after the pages, as a whole,
    by the search step of the same locked build)."""
    from .write import TMP_SUFFIX  # here: the command line loads this module before the rest

    return path.endswith(TMP_SUFFIX) or path.startswith(INDEX_FOLDER + "/")


# ---------------------------------------------------------------------------------------
# A build in progress


def pending(t: Target) -> set[str] | None:
    """The paths an unfinished build may have written, or None if the last one finished."""
    try:
        return set((t.state / PENDING).read_text("utf-8").splitlines())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return set()  # unreadable: still unfinished


def begin(t: Target, paths: Iterable[str]) -> None:
    """Record, before the output changes, every path the build may write that the manifest
    does not list (the survey takes both as nianbao's)."""
    t.state.mkdir(parents=True, exist_ok=True)
    tmp = t.state / "pending.tmp"
    tmp.write_text("".join(p + "\n" for p in sorted(paths)), "utf-8")
    os.replace(tmp, t.state / PENDING)


class Journal:
    """For a build that changes the output in place: told each path before it changes, it
    records the build as unfinished at the first one (with the paths it may write that the
    manifest, old or new, does not list), and adds any such path not yet recorded. A build
    that changes nothing records nothing. At 10,000 reports the manifest lists 50,000
    files; an edit adds none of them, so the record stays a few lines. The folders it is
    told of (and those above them) are listed by the next build (``finish``)."""

    def __init__(self, t: Target, listed: Container[str], unlisted: set[str]) -> None:
        self.t, self.listed, self.known, self.started = t, listed, unlisted, False

    def note(self, path: str) -> None:
        new = path not in self.listed and path not in self.known
        if not self.started:
            begin(self.t, self.known | {path} if new else self.known)
            self.started = True
        elif new:
            with (self.t.state / PENDING).open("a", encoding="utf-8") as f:
                f.write(f"{path}\n")
        if new:
            self.known.add(path)
        touched = self.t.notes.touched
        folder = path.rpartition("/")[0]
        while folder not in touched:
            touched.add(folder)
            if not folder:
                break
            folder = folder.rpartition("/")[0]


def finish(t: Target, written: Iterable[str] | None = None) -> None:
    """The new manifest is in place: the output is what it says. Records the output's
    folders (outfolders): after a build from scratch (``written``: every file) each one's
    times now; after a build in place, the times the survey found, the folders written
    into to be listed next time."""
    if written is not None:
        outfolders.write(t.state, outfolders.stat_all(str(t.path), outfolders.folders_of(written)))
    else:
        notes = t.notes
        known = notes.seen if notes.seen is not None else outfolders.read(t.state)
        if known is None:  # serve, with no record left: the next build looks at every file
            outfolders.forget(t.state)
        else:
            now = dict(known)
            now.update((folder, outfolders.UNSURE) for folder in notes.touched)
            if now != notes.read:  # a build that changed nothing leaves the record as it is
                outfolders.write(t.state, now)
    (t.state / PENDING).unlink(missing_ok=True)
