"""The output's folders as the last build left them: each folder's modification and
change times, so a warm build need not look at every output file.

A folder whose times are unchanged holds exactly the entries it held: nothing was added,
removed or renamed in it (an editor that saves by writing a new file and renaming it over
the old one changes the folder too). Its files are then trusted as the manifest records
them, without a ``stat`` each: at 10,000 reports, 11,500 folders instead of 51,500 files.
A folder whose times changed is listed and its files looked at one by one (outdir.survey).

What is given up on purpose: a file rewritten in place (same name, no rename) leaves its
folder unchanged, so a plain build does not notice it; ``build --verify`` reads every
byte and does.

A folder whose times are within ``RACY_NS`` of when they were taken may change again
unseen (a file system's times are coarse: a jiffy on ext4, 2 s on FAT), so it is recorded
as ``UNSURE`` and listed by the next build, as are the folders a warm build wrote into.

The record is kept in the output's cache folder (never in the output), written by
``outdir.finish`` as ``marshal`` data after a magic line and a CRC-32 (as manifest.py
does). Anything odd about it means "no record": the next build looks at every file.
"""

from __future__ import annotations

import marshal
import os
import stat
import time
from array import array
from collections.abc import Iterable
from itertools import chain
from pathlib import Path

from .filestamps import Stamps
from .records import CHECK, framed, replace_file, unframed

CACHE = ".nianbao-cache"  # beside the output folder: see state_of
NAME = "folders.bin"
VERSION = 2  # 2: names and times packed (``_packed``), not a dict
MAGIC = b"nianbao folders %d marshal %d\n" % (VERSION, marshal.version)

RACY_NS = 2_000_000_000  # as sources.RACY_NS: a folder this recent may change again unseen

Times = tuple[int, int]  # modification and change time (ns) of a folder
UNSURE: Times = (-1, -1)  # to be listed by the next build: no folder has these times
Folders = dict[str, Times]  # folder relative to the output ("" for the output itself)


def racy_after() -> int:
    """Times after this may hide a later change (see ``taken``)."""
    return time.time_ns() - RACY_NS


def taken(st: os.stat_result, after: int) -> Times:
    """A folder's times as recorded: ``UNSURE`` if either is after ``after``."""
    if st.st_mtime_ns > after or st.st_ctime_ns > after:
        return UNSURE
    return (st.st_mtime_ns, st.st_ctime_ns)


def folders_of(files: Iterable[str]) -> set[str]:
    """Every folder holding one of ``files`` (relative paths), and the folders above."""
    out = {""}
    for path in files:
        folder = path.rpartition("/")[0]
        while folder not in out:
            out.add(folder)
            folder = folder.rpartition("/")[0]
    return out


def stat_all(root: str, folders: Iterable[str]) -> Folders:
    """The times of ``folders`` under ``root`` now (those that are folders)."""
    after = racy_after()
    out: Folders = {}
    for folder in sorted(folders):
        try:
            st = os.lstat(os.path.join(root, folder) if folder else root)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            out[folder] = taken(st, after)
    return out


def read(state: Path) -> Folders | None:
    """The record kept in ``state``, or None if there is none we can trust."""
    got = read_checked(state)
    return got[0] if got is not None else None


def read_checked(state: Path) -> tuple[Folders, bytes] | None:
    """The record kept in ``state`` and its CRC (which record it is), or None."""
    try:
        raw = (state / NAME).read_bytes()
    except OSError:
        return None
    try:
        names, times = unframed(MAGIC, raw)
        folders = _unpacked(names, times)
    except (ValueError, EOFError, TypeError):  # a wrong shape is no record, no traceback
        return None
    if folders is None:
        return None
    return folders, raw[len(MAGIC) : len(MAGIC) + CHECK]


def write(state: Path, folders: Folders) -> None:
    state.mkdir(parents=True, exist_ok=True)
    replace_file(state / NAME, framed(MAGIC, _packed(folders)))


# The record is read by every warm build, twice (the early scan's worker, then the build),
# so it is kept in the form quickest to decode: the names in one string, NUL between them
# (no name holds one), and the times as 64-bit integers, rather than a dict of tuples
# (marshal makes every key, tuple and number one by one: 120 ms at 114,000 folders).


def _packed(folders: Folders) -> tuple[str, bytes]:
    return "\0".join(folders), array("q", chain.from_iterable(folders.values())).tobytes()


def _columns(names: object, times: object) -> tuple[list[str], array[int]] | None:
    """The record's folder names and their times, two a folder, as packed; None when it
    is no record (the output's own entry "" is always there)."""
    if not isinstance(names, str) or not isinstance(times, bytes):
        return None
    numbers = array("q")
    numbers.frombytes(times)  # ValueError if not whole numbers
    keys = names.split("\0")
    if len(numbers) != 2 * len(keys) or "" not in keys:
        return None
    return keys, numbers


def _unpacked(names: object, times: object) -> Folders | None:
    columns = _columns(names, times)
    if columns is None:
        return None
    keys, numbers = columns
    pairs = iter(numbers)
    return dict(zip(keys, zip(pairs, pairs, strict=True), strict=True))


def forget(state: Path) -> None:
    """No record: the next build looks at every file."""
    (state / NAME).unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------
# Looking at the output


class Found:
    """What a look at the output found, compared file by file with what was written."""

    def __init__(self, written: Stamps) -> None:
        self.written = written
        self.matched = 0  # files written that are there (looked at, or in a trusted folder)
        self.unknown: list[str] = []  # files found that were not written
        self.changed: set[str] = set()  # written, since changed or removed
        self.seen: Folders = {}  # each folder's times, taken before it was listed
        self.after = racy_after()


def walk(folder: str, rel: str, found: Found) -> None:
    """Every file and link (not followed) under ``folder`` (``rel``: its path in the
    output, "" or ending in "/"); empty folders are nobody's. One ``stat`` per file
    written (none for a file nianbao did not write), two comparisons; one per folder, its
    times taken before it is listed (a change after that changes them again)."""
    found.seen[rel[:-1]] = taken(os.lstat(folder), found.after)
    folders = []
    written = found.written
    with os.scandir(folder) as it:
        for e in it:
            if e.is_dir(follow_symlinks=False):  # from the listing: no stat
                folders.append(e)
                continue
            path = rel + e.name
            stamp = written.get(path)
            if stamp is None:
                found.unknown.append(path)
                continue
            found.matched += 1
            st = e.stat(follow_symlinks=False)
            if st.st_size != stamp[0] or st.st_mtime_ns != stamp[1]:
                found.changed.add(path)
    for e in folders:  # one folder open at a time
        walk(e.path, f"{rel}{e.name}/", found)


def files(folder: str, rel: str) -> set[str]:
    """Every file and link (not followed) under ``folder``."""
    out = set()
    with os.scandir(folder) as it:
        for e in it:
            if e.is_dir(follow_symlinks=False):
                out |= files(e.path, f"{rel}{e.name}/")
            else:
                out.add(rel + e.name)
    return out


# The folders of a record not found as recorded, found by ``suspects`` (in the early
# scan's workers, sources.Scanning, when there are some), and the CRC of the record they
# were compared with: a build uses them only with that very record.
Suspects = tuple[bytes, list[str]]


def suspects(root: str, record: Folders) -> list[str]:
    """The folders of ``record`` not found under ``root`` as recorded: gone, no longer a
    folder, their times changed, or ``UNSURE``. One ``lstat`` each: this runs over every
    output folder on every warm build (11,500 at 10,000 reports), so a folder found as
    recorded costs its ``lstat`` and one comparison."""
    return _suspected(root, ((folder, m, c) for folder, (m, c) in record.items()))


def _suspected(root: str, record: Iterable[tuple[str, int, int]]) -> list[str]:
    """``suspects`` of the record's folders, each with its two times."""
    out = []
    prefix = os.path.join(root, "")  # a folder's path is prefix + its name: no join each
    lstat, is_dir = os.lstat, stat.S_ISDIR
    for folder, mtime, ctime in record:
        try:
            st = lstat(prefix + folder if folder else root)
        except OSError:  # gone
            out.append(folder)
            continue
        if (
            not is_dir(st.st_mode)  # a file or link now
            or mtime != st.st_mtime_ns
            or ctime != st.st_ctime_ns
            or (mtime, ctime) == UNSURE
        ):
            out.append(folder)
    return out


def state_of(output: Path) -> Path:
    """The cache folder of the output folder ``output`` (outdir.Target.state):
    ``<parent>/.nianbao-cache/<name>`` for ``<parent>/<name>``, outside the output."""
    return output.parent / CACHE / output.name


def output_of(state: Path) -> str:
    """The output folder whose cache folder is ``state`` (``state_of`` the other way)."""
    return str(state.parent.parent / state.name)


def surveyed(state: Path) -> Suspects | None:
    """The record in ``state`` compared with its output folder (``suspects``), or None:
    no record. Run by a worker of the early scan while the build starts; never raises.
    The record is compared as packed (``_columns``), its folders never made a dict: at
    100,000 reports 114,000 entries, each a tuple of two numbers, made only to be read
    once (the build reads the record again for itself, and takes this only if its CRC
    is the one it read)."""
    try:
        raw = (state / NAME).read_bytes()
        names, times = unframed(MAGIC, raw)
        columns = _columns(names, times)
        if columns is None:
            return None
        keys, numbers = columns
        pairs = iter(numbers)
        return raw[len(MAGIC) : len(MAGIC) + CHECK], _suspected(
            output_of(state), zip(keys, pairs, pairs, strict=True)
        )
    except Exception:  # the build looks for itself
        return None


def look(root: str, record: Folders, found: Found, suspected: list[str]) -> bool:
    """The output compared with what was written, by ``record``: only the folders
    ``suspected`` (``suspects``: gone, or their times changed) are looked at again and
    listed, a folder not in the record walked; the others hold the entries they held. A
    file written that is gone is ``changed``. False if the record does not cover a folder
    the manifest has files in (then look at every file).

    ``seen`` starts as the record, and only the folders that are not as recorded are
    noted. The files written are counted per folder; only a listed folder's stamps are
    decoded."""
    listed: set[str] = set()  # listed, or gone: their written files are checked by name
    present: set[str] = set()  # written files found in those
    written = found.written
    seen = found.seen = dict(record)
    for folder in suspected:
        path = os.path.join(root, folder) if folder else root
        try:
            st: os.stat_result | None = os.lstat(path)
        except OSError:  # gone: its files are damaged
            st = None
        listed.add(folder)
        if st is None or not stat.S_ISDIR(st.st_mode):  # or a file or link now: changed
            del seen[folder]
        else:
            _list(path, folder, st, found, record, present)
    kept = 0
    for folder, count in written.counts():  # per folder: no file's stamp decoded
        if folder in listed:
            rel = folder + "/" if folder else ""
            for name in written.folder(folder):
                if rel + name not in present:
                    found.changed.add(rel + name)
        elif folder in record:  # and found as recorded: its files are as written
            kept += count
        else:
            return False
    found.matched += kept
    return True


def _list(
    path: str, folder: str, st: os.stat_result, found: Found, record: Folders, present: set[str]
) -> None:
    """A folder whose times changed: each entry compared with what was written (a folder
    not in the record walked), and the folder's times as taken before it was listed."""
    found.seen[folder] = taken(st, found.after)
    rel = folder + "/" if folder else ""
    written = found.written
    try:
        listing = os.scandir(path)
    except (FileNotFoundError, NotADirectoryError):  # gone since: its files are damaged
        del found.seen[folder]
        return
    with listing as it:
        for e in it:
            name = rel + e.name
            if e.is_dir(follow_symlinks=False):
                if name not in record:  # new: nianbao's only if a build left it unfinished
                    walk(e.path, name + "/", found)
                continue
            stamp = written.get(name)
            if stamp is None:
                found.unknown.append(name)
                continue
            present.add(name)
            found.matched += 1
            est = e.stat(follow_symlinks=False)
            if est.st_size != stamp[0] or est.st_mtime_ns != stamp[1]:
                found.changed.add(name)
