"""What the content folder holds, and what changed since the last build.

The agency is the unit of change: its folder holds agency.yaml and every year, and the
cross-year rules never leave it. A warm build looks only at names, sizes and modification
times (one ``stat`` per file and folder, nothing read, a folder unchanged not listed again
and an agency unchanged not even signed again: see scancache) to find the agencies that
may have changed; only those are read again, and digested as read (contentfiles)."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from . import outfolders, scancache, scanparts
from .contentfiles import AgencyFolder, digest, inside
from .forks import Forked
from .scancache import Listings


def _visible(path: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as it:
            entries = [e for e in it if e.name[0] != "."]
    except OSError:
        return []
    entries.sort(key=attrgetter("name"))
    return entries


def _is_folder(e: os.DirEntry[str]) -> bool:
    """A folder, or a link to one; not a link that cannot be followed (as Path.is_dir)."""
    try:
        return e.is_dir()
    except OSError:  # a loop of links, or one through a file: as a dangling one
        return False


RACY_NS = 2_000_000_000  # file times this close to a scan may hide a later edit (FAT: 2 s)


def _signature(path: str, rel: str, out: list[str], walk: _Walk) -> None:
    """One line per entry (name, size, mtime), in any order: the caller sorts them once.
    This runs over every file of the portal on every build, so it does as little as it can.
    A link is followed only into a folder inside the content folder, and only once."""
    with os.scandir(path) as it:
        for e in it:
            name = e.name
            if name[0] == ".":
                continue
            if e.is_dir(follow_symlinks=False):
                sub = f"{rel}{name}/"
                out.append(sub)
                _signature(e.path, sub, out, walk)
                continue
            if e.is_symlink():
                target = os.path.realpath(e.path)
                if not inside(target, walk.root):
                    out.append(f"{rel}{name}\t->outside")
                    continue
                if os.path.isdir(target):
                    sub = f"{rel}{name}/"
                    out.append(f"{sub}\t->{target}")
                    if target not in walk.seen:  # no loops
                        walk.seen.add(target)
                        _signature(target, sub, out, walk)
                    continue
            try:
                st = e.stat()
            except OSError:  # a dangling or looping link
                out.append(f"{rel}{name}\t?")
                continue
            if st.st_mtime_ns > walk.racy_after:
                walk.racy = True
            out.append(f"{rel}{name}\t{st.st_size}\t{st.st_mtime_ns}")


@dataclass
class _Walk:
    root: str
    racy_after: int  # ns: a file changed after this may change again unseen
    racy: bool = False
    seen: set[str] = field(default_factory=set)
    kept: Listings = field(default_factory=dict)  # the folders as the last scan listed them
    listed: Listings = field(default_factory=dict)  # as this one found them, to keep
    fresh: bool = False  # a folder was listed (its kept listing, if any, was out of date)
    # for scancache.Quick: each folder's files' sizes and times; the folders walked; False
    # once the walk met what Quick cannot stand for (a link, a file gone while listed)
    stamps: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    walked: int = 0
    plain: bool = True


class _Stale(Exception):
    """A kept listing names a file that is no longer there (the folder's time was set
    back by hand or by a tool): the agency is walked again, listing every folder."""


def _kept_signature(path: str, rel: str, out: list[str], walk: _Walk, kept: bool) -> None:
    """``_signature``'s lines (the very same), a folder whose time is unchanged since the
    last scan not listed again (scancache): each file it held is looked up by name.
    ``kept``: ``path`` is named by a kept listing (so it must still be there)."""
    listing = walk.kept.get(path)
    walk.walked += 1
    try:
        st = os.stat(path)
    except OSError:
        if kept:
            raise _Stale from None
        st = None
    if (
        listing is not None
        and st is not None
        and listing[0] == st.st_mtime_ns
        and listing[1] == st.st_ctime_ns  # chmod too (POSIX: the inode's change time)
    ):
        walk.listed[path] = listing
        names, kinds = listing[2], listing[3]
        reused = True
    else:
        names, kinds = _listing(path)  # an unreadable folder raises, as in _signature
        walk.fresh, reused = True, False
        # a folder changed in the last moments may change again within the same tick
        if st is not None and max(st.st_ctime_ns, st.st_mtime_ns) <= walk.racy_after:
            walk.listed[path] = (st.st_mtime_ns, st.st_ctime_ns, names, kinds)
    folder = path + "/"
    stat, append, racy_after = os.stat, out.append, walk.racy_after  # per file: locals
    walk.stamps[path] = stamps = []
    for name, kind in zip(names, kinds, strict=True):
        if kind != "f":
            if kind == "d":
                sub = f"{rel}{name}/"
                append(sub)
                _kept_signature(folder + name, sub, out, walk, reused)
                continue
            walk.plain = False
            target = os.path.realpath(folder + name)  # a link: resolved on every scan
            if not inside(target, walk.root):
                append(f"{rel}{name}\t->outside")
                continue
            if os.path.isdir(target):
                sub = f"{rel}{name}/"
                append(f"{sub}\t->{target}")
                if target not in walk.seen:  # no loops
                    walk.seen.add(target)
                    _kept_signature(target, sub, out, walk, False)
                continue
        try:
            st = stat(folder + name)
        except OSError:  # a dangling or looping link; or a file gone since listed
            if reused and kind == "f":
                raise _Stale from None
            walk.plain = False
            append(f"{rel}{name}\t?")
            continue
        mtime = st.st_mtime_ns
        if mtime > racy_after:
            walk.racy = True
        append(f"{rel}{name}\t{st.st_size}\t{mtime}")
        stamps.append((st.st_size, mtime))


def _listing(path: str) -> tuple[tuple[str, ...], str]:
    """The names and kinds (scancache.Listing) of a folder's entries, dot-files aside."""
    names: list[str] = []
    kinds: list[str] = []
    with os.scandir(path) as it:
        for e in it:
            name = e.name
            if name[0] == ".":
                continue
            names.append(sys.intern(name))  # the same few names recur in every agency
            kinds.append("d" if e.is_dir(follow_symlinks=False) else "l" if e.is_symlink() else "f")
    return tuple(names), "".join(kinds)


def _agency_folder(path: Path, root: str) -> AgencyFolder:
    """The folder's signature, every folder listed (see ``_signed``)."""
    signature, _, _ = _signed(path.name, root, None, os.path.islink(path))
    return AgencyFolder(path.name, path.parent, signature, root, _path=path)


def _signed(
    name: str, root: str, kept: Listings | None, link: bool
) -> tuple[str, Listings | None, scancache.Quick | None]:
    """The signature of the agency folder ``name`` of the content folder ``root``. One with
    a file changed in the last moments is "racy": a second edit within the file system's
    time resolution would leave the same signature, so it is never trusted (the next build
    reads the folder again), as git does. ``link``: the folder is a link (resolved).
    ``kept``: the folder's listings from the last scan (scancache), or None to keep none;
    with them, the listings to keep, or None when they are those kept, and the agency's
    scancache.Quick if this walk can be trusted and is all in those listings."""
    lines: list[str] = []
    walk = _Walk(root, time.time_ns() - RACY_NS)
    # only a link needs resolving: the content folder itself is resolved already
    real = os.path.join(root, name)
    if link:
        real = os.path.realpath(real)
    if not inside(real, root):
        lines.append("->outside")  # never walked: the loader refuses it with a message
    elif kept is None:
        try:
            _signature(real, "", lines, walk)
        except OSError:
            lines.append("unreadable")
            walk.racy = True
    else:
        walk.kept = kept
        try:
            try:
                _kept_signature(real, "", lines, walk, False)
            except (_Stale, LookupError, TypeError, ValueError):  # or a record gone odd
                lines.clear()
                walk = _Walk(root, walk.racy_after)
                _kept_signature(real, "", lines, walk, False)
        except OSError:
            lines.append("unreadable")
            walk.racy = True
    lines.sort()
    signature = digest("\n".join(lines))
    if walk.racy:
        signature = "racy:" + signature
    quick = None
    if not walk.racy and walk.plain and not link and walk.walked == len(walk.listed) > 0:
        stamps = (s for path in walk.listed for s in walk.stamps[path])
        quick = (signature, walk.racy_after, scancache.stamped(stamps))
    if kept is None or (not walk.fresh and len(walk.listed) == len(kept)):
        return signature, None, quick
    return signature, walk.listed, quick


def trusted(signature: str) -> bool:
    return not signature.startswith("racy:")


@dataclass
class Scan:
    agencies: dict[str, AgencyFolder] = field(default_factory=dict)


PARALLEL_SCAN_FROM = 400  # agencies; below this a second process costs more than it saves


class Scanning:
    """A scan under way. A large portal is scanned by ``jobs`` worker processes, started
    here, so the caller can do other work meanwhile (a warm build lists the output folder);
    ``result()`` waits for them. ``close()`` stops them if the result is not wanted.
    ``state``: the output's cache folder, where the folders' listings are kept from one
    scan to the next (scancache); None lists every folder and keeps nothing. The first
    worker also compares the output's folders with their record (``output_suspects``;
    see scanparts)."""

    def __init__(self, content: Path, jobs: int = 1, state: Path | None = None) -> None:
        root = os.path.realpath(content)
        names: list[str] = []  # the agency folders' (no Path each: see AgencyFolder)
        links: set[str] = set()  # from the listing: no lstat per agency to tell
        for e in _visible(str(content)):
            if e.name[0] != "_" and _is_folder(e):
                names.append(e.name)
                if e.is_symlink():
                    links.add(e.name)
        self._content, self._names, self._root, self._state = content, names, root, state
        self._kept = scancache.read(state, root) if state is not None else None
        self._job = _Job(root, self._kept, links)
        self._pool: Forked | None = None
        self._found: list[AgencyFolder] | None = None
        self._signed: list[_Signed] | None = None  # the workers' results, once in
        self._surveyed = False  # the first worker compares the output's folders
        if jobs > 1 and len(names) >= PARALLEL_SCAN_FROM:
            global _forked
            _forked = self._job  # the workers are forked with it: nothing pickled
            parts = scanparts.parts(names, jobs, state)
            self._pool, self._surveyed = Forked(_scan_part, parts), state is not None

    @classmethod
    def ready(cls, found: Scan) -> Scanning:
        """A scan already made (``rescan``)."""
        done = cls.__new__(cls)
        done._pool, done._found = None, list(found.agencies.values())
        done._surveyed = False
        return done

    def _collect(self) -> list[_Signed]:
        """The workers' results (or, without workers, the scan made here)."""
        if self._signed is None:
            if self._pool is not None:
                parts = self._pool.results()
                self._pool = None
                self._signed = [s for signed, _ in parts for s in signed]
            else:
                self._signed = self._job.signed(self._names)
        return self._signed

    def output_suspects(self) -> outfolders.Suspects | None:
        """The first worker's outfolders.surveyed (the others work on), or None."""
        if not self._surveyed or self._pool is None:
            return None
        self._surveyed = False
        found: outfolders.Suspects | None = self._pool.result(0)[1]
        return found

    def result(self) -> Scan:
        if self._found is None:
            signed = self._collect()
            content, root = self._content, self._root
            self._found = [
                AgencyFolder(name, content, signature, root)
                for name, (signature, _) in zip(self._names, signed, strict=True)
            ]
            if self._state is not None and self._kept is not None:
                self._keep(signed, self._kept, self._state)
        return Scan({f.slug: f for f in self._found})

    def _keep(self, signed: list[_Signed], kept: scancache.Kept, state: Path) -> None:
        """Write the listings down for the next scan, if they changed."""
        if len(signed) == len(kept) and all(new is None for _, new in signed):
            return  # every agency kept as it was (one not kept would have listings)
        listings = {
            name: kept[name] if new is None else new
            for name, (_, new) in zip(self._names, signed, strict=True)
        }
        scancache.write(state, self._root, listings)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        self._pool = None


_Signed = tuple[str, bytes | None]  # an agency folder's signature, the listings to keep


@dataclass
class _Job:
    """A scan's agency folders' signatures: the content folder, the kept listings (None:
    keep none) and which folders are links."""

    root: str
    kept: scancache.Kept | None
    links: set[str]

    def signed(self, names: list[str]) -> list[_Signed]:
        root, kept, links = self.root, self.kept, self.links
        if kept is None:
            return [(_signed(name, root, None, name in links)[0], None) for name in names]
        out: list[_Signed] = []
        racy_after = time.time_ns() - RACY_NS
        unchanged = scancache.unchanged
        for name in names:
            before = kept.get(name)
            if before is not None and name not in links:
                signature = unchanged(before, racy_after)
                if signature is not None:  # as last scanned: the walk's very signature
                    out.append((signature, None))
                    continue
            listings, quick_before = scancache.unpacked(before)
            signature, found, quick = _signed(name, root, listings, name in links)
            if found is None and before is None:  # new, and nothing to list (a link out)
                found = {}
            elif found is None and quick is not None and quick != quick_before:
                found = listings  # the same listings, what they hold changed (or settled)
            out.append((signature, None if found is None else scancache.packed(found, quick)))
        return out


_forked = _Job("", None, set())  # the scan a worker process was forked for


def _scan_part(part: scanparts.Part) -> tuple[list[_Signed], outfolders.Suspects | None]:
    """A worker's share of the scan; with ``state``, the output's folders compared too."""
    names, state = part
    return _forked.signed(names), outfolders.surveyed(state) if state is not None else None


def scan(content: Path, jobs: int = 1, state: Path | None = None) -> Scan:
    """Every agency folder with its signature (site.yaml is read, and digested, by load).

    This is the floor of a warm build's time (one ``stat`` per file), so a large portal is
    scanned by ``jobs`` processes; ``state`` keeps the folders' listings (see Scanning)."""
    scanning = Scanning(content, jobs, state)
    try:
        return scanning.result()
    finally:
        scanning.close()


def rescan(previous: Scan, content: Path, slugs: set[str]) -> Scan:
    """The previous scan with the named agency folders looked at again."""
    agencies = dict(previous.agencies)
    root = os.path.realpath(content)
    for slug in slugs:
        folder = content / slug
        if folder.is_dir():
            agencies[slug] = _agency_folder(folder, root)
        else:
            agencies.pop(slug, None)
    return Scan(dict(sorted(agencies.items())))
