"""What the content folder holds, and what changed since the last build.

The agency is the unit of change: its folder holds agency.yaml and every year, and the
cross-year rules never leave it. A warm build looks only at names, sizes and modification
times (one ``stat`` per file, nothing read) to find the agencies that may have changed;
only those are read and digested, and an agency whose bytes are unchanged (a file saved
without edits) is still recognised as unchanged.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


def digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(p.encode("utf-8") if isinstance(p, str) else p)
        h.update(b"\x00")
    return h.hexdigest()


def _visible(path: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as it:
            entries = [e for e in it if e.name[0] != "."]
    except OSError:
        return []
    entries.sort(key=_name)
    return entries


def _name(e: os.DirEntry[str]) -> str:
    return e.name


@dataclass
class AgencyFolder:
    slug: str
    path: Path
    signature: str  # names, sizes and modification times: cheap, may change without edits
    _content: tuple[str, str, dict[str, str]] | None = field(default=None, repr=False)

    def _read(self) -> tuple[str, str, dict[str, str]]:
        if self._content is None:
            children: dict[str, str] = {}
            whole = _tree_digest(str(self.path), children)
            meta = children.pop("agency.yaml", "missing")
            self._content = (whole, meta, children)
        return self._content

    @property
    def digest(self) -> str:
        """Every byte of every file in the folder (reads them)."""
        return self._read()[0]

    @property
    def meta(self) -> str:
        """agency.yaml's bytes."""
        return self._read()[1]

    @property
    def years(self) -> dict[str, str]:
        """Each year folder (or other entry) and the digest of its contents."""
        return self._read()[2]


def _tree_digest(path: str, children: dict[str, str] | None = None) -> str:
    parts: list[str] = []
    for e in _visible(path):
        if e.is_dir(follow_symlinks=False):  # a link is a file here: no loops
            d = _tree_digest(e.path)
            parts.append(f"d:{e.name}:{d}")
        else:
            try:
                d = digest(Path(e.path).read_bytes())
            except OSError:
                d = "unreadable"
            parts.append(f"f:{e.name}:{d}")
        if children is not None:
            children[e.name] = d
    return digest("\n".join(parts))


def _signature(path: str, rel: str, out: list[str]) -> None:
    """One line per entry (name, size, mtime), in any order: the caller sorts them once.
    This runs over every file of the portal on every build, so it does as little as it can."""
    with os.scandir(path) as it:
        for e in it:
            name = e.name
            if name[0] == ".":
                continue
            if e.is_dir(follow_symlinks=False):  # a link is a file here: no loops
                sub = f"{rel}{name}/"
                out.append(sub)
                _signature(e.path, sub, out)
            else:
                try:
                    st = e.stat()
                except OSError:  # a dangling or looping link
                    out.append(f"{rel}{name}\t?")
                    continue
                out.append(f"{rel}{name}\t{st.st_size}\t{st.st_mtime_ns}")


def _agency_folder(path: Path) -> AgencyFolder:
    lines: list[str] = []
    try:
        _signature(str(path), "", lines)
    except OSError:
        lines.append("unreadable")
    lines.sort()
    return AgencyFolder(path.name, path, digest("\n".join(lines)))


@dataclass
class Scan:
    site_digest: str
    agencies: dict[str, AgencyFolder] = field(default_factory=dict)


PARALLEL_SCAN_FROM = 400  # agencies; below this a second process costs more than it saves


def scan(content: Path, jobs: int = 1) -> Scan:
    """Every agency folder with its signature; site.yaml with its digest (it is small).

    This is the floor of a warm build's time (one ``stat`` per file), so a large portal is
    scanned by ``jobs`` processes: at 10,000 reports, 0.15 s instead of 0.24 s on 2 cores.
    """
    site_digest = "missing"
    folders: list[Path] = []
    for e in _visible(str(content)):
        if e.is_dir():
            if e.name[0] != "_":
                folders.append(Path(e.path))
        elif e.name == "site.yaml":
            try:
                site_digest = digest(Path(e.path).read_bytes())
            except OSError:
                site_digest = "unreadable"
    if jobs > 1 and len(folders) >= PARALLEL_SCAN_FROM:
        size = -(-len(folders) // jobs)
        chunks = [folders[i : i + size] for i in range(0, len(folders), size)]
        with multiprocessing.get_context("fork").Pool(len(chunks)) as pool:
            found = [f for part in pool.map(_agency_folders, chunks) for f in part]
    else:
        found = _agency_folders(folders)
    return Scan(site_digest, {f.slug: f for f in found})


def _agency_folders(paths: list[Path]) -> list[AgencyFolder]:
    return [_agency_folder(p) for p in paths]


def rescan(previous: Scan, content: Path, slugs: set[str]) -> Scan:
    """The previous scan with the named agency folders looked at again."""
    agencies = dict(previous.agencies)
    for slug in slugs:
        folder = content / slug
        if folder.is_dir():
            agencies[slug] = _agency_folder(folder)
        else:
            agencies.pop(slug, None)
    return Scan(previous.site_digest, dict(sorted(agencies.items())))


def files_digest(paths: Iterable[Path]) -> str:
    """A digest of files' names and bytes (the theme, a site's templates, the generator)."""
    parts: list[str] = []
    for p in sorted(paths):
        if p.is_file() and "__pycache__" not in p.parts:
            parts.append(f"{p.as_posix()}:{digest(p.read_bytes())}")
    return digest(*parts)
