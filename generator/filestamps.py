"""What was written to each output file (size, time, digest), kept per output folder.

A warm build asks for the stamps of a few folders (those it writes into, those the survey
found changed) and for how many files each folder holds (the survey's coverage check),
never for all 51,000 stamps of a 10,000-report site. So the manifest keeps each folder's
stamps as ``marshal`` bytes of their own (a ``Chunk``), and ``Stamps`` decodes a folder's
only when one of its files is first asked for; a folder never asked for is written back
as the very bytes read. The record holding the chunks is checked whole (its CRC) when
read, so a chunk decoded later is one that was checked.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterator, Mapping, MutableMapping

Stamp = tuple[int, int, str]  # size, modification time (ns), digest of the bytes written
Chunk = tuple[int, bytes | memoryview]  # a folder's number of files, marshal of {name: Stamp}
Chunks = dict[str, Chunk]  # folder ("" for the output itself) → its files' stamps


class DamagedRecord(ValueError):
    """A folder's stamps that do not read as what nianbao writes (the record's CRC held:
    not damage on the disk, but a record nianbao did not write): the record is no record."""


def _by_folder(files: Mapping[str, Stamp]) -> dict[str, dict[str, Stamp]]:
    """``files`` grouped by folder: each folder's names and their stamps."""
    grouped: dict[str, dict[str, Stamp]] = {}
    for path, stamp in files.items():
        folder, _, name = path.rpartition("/")
        names = grouped.get(folder)
        if names is None:
            names = grouped[folder] = {}
        names[name] = stamp
    return grouped


def _decoded(chunk: Chunk) -> dict[str, Stamp]:
    try:
        names = marshal.loads(chunk[1])
    except Exception as e:
        raise DamagedRecord("a folder's stamps do not read") from e
    if not isinstance(names, dict) or len(names) != chunk[0]:
        raise DamagedRecord("a folder's stamps are not a record")
    for name, stamp in names.items():
        if not (isinstance(name, str) and isinstance(stamp, tuple) and len(stamp) == 3):
            raise DamagedRecord("a folder's stamps are not a record")
    return names


class Stamps(MutableMapping[str, Stamp]):
    """Output path → stamp, decoded per folder on first use (see the module). Any use
    may raise ``DamagedRecord``: the build then trusts no record (build._previous) or,
    found once it has written pages, builds from scratch (build._built)."""

    __slots__ = ("_chunks", "_len", "_open")

    def __init__(self, chunks: Chunks | None = None) -> None:
        self._chunks: Chunks = chunks if chunks is not None else {}  # as read: never changed
        self._open: dict[str, dict[str, Stamp]] = {}  # decoded (and changed since)
        self._len = sum(n for n, _ in self._chunks.values())

    @classmethod
    def of(cls, files: Mapping[str, Stamp]) -> Stamps:
        """``files`` as Stamps (itself if it is one)."""
        if isinstance(files, Stamps):
            return files
        made = cls()
        made._open = _by_folder(files)
        made._len = len(files)
        return made

    def add_folders(self, files: Mapping[str, Stamp]) -> None:
        """Add ``files``, kept as bytes per folder (as read from a record) where this holds
        nothing of their folder yet: a cold build's parent adds each agency's files as its
        worker hands them back, and holds a few bytes per file, not a dict entry. Only
        before ``copy``: the chunks are shared with copies."""
        for folder, names in _by_folder(files).items():
            if folder in self._chunks or folder in self._open:
                for name, stamp in names.items():  # rare: a folder shared with another's
                    self[f"{folder}/{name}" if folder else name] = stamp
            else:
                self._chunks[folder] = (len(names), marshal.dumps(names))
                self._len += len(names)

    def paths(self) -> Iterator[str]:
        """Every path, each folder decoded only while its paths are given (iterating the
        mapping keeps every folder decoded)."""
        opened = self._open
        for folder in list(self._chunks.keys() | opened.keys()):
            names = opened.get(folder)
            if names is None:
                names = _decoded(self._chunks[folder])
            prefix = folder + "/" if folder else ""
            yield from (prefix + name for name in names)

    def folder(self, folder: str) -> Mapping[str, Stamp]:
        """The stamps of the files directly in ``folder``, by name (empty if none)."""
        return self._folder(folder, False) or {}

    def counts(self) -> Iterator[tuple[str, int]]:
        """Each folder holding files, with how many: nothing is decoded."""
        opened = self._open
        for folder, (n, _) in self._chunks.items():
            if folder not in opened:
                yield folder, n
        for folder, names in opened.items():
            if names:
                yield folder, len(names)

    def chunks(self) -> Chunks:
        """Every folder's stamps as bytes, for the manifest: as read, unless decoded."""
        opened = self._open
        out = {f: c for f, c in self._chunks.items() if f not in opened}
        for folder, names in opened.items():
            if names:
                out[folder] = (len(names), marshal.dumps(names))
        return out

    def copy(self) -> Stamps:
        """A copy to change (the chunks read are shared: they are never changed)."""
        made = Stamps.__new__(Stamps)
        made._chunks, made._len = self._chunks, self._len
        made._open = {folder: dict(names) for folder, names in self._open.items()}
        return made

    def _folder(self, folder: str, make: bool) -> dict[str, Stamp] | None:
        names = self._open.get(folder)
        if names is None:
            chunk = self._chunks.get(folder)
            if chunk is None:
                if not make:
                    return None
                names = {}
            else:
                names = _decoded(chunk)
            self._open[folder] = names
        return names

    def _held(self, path: str) -> tuple[dict[str, Stamp], str]:
        """The decoded stamps of ``path``'s folder and its name there (KeyError: no
        stamps kept for that folder)."""
        folder, _, name = path.rpartition("/")
        names = self._folder(folder, False)
        if names is None:
            raise KeyError(path)
        return names, name

    def __getitem__(self, path: str) -> Stamp:
        names, name = self._held(path)
        return names[name]

    def get(self, path: str, default: Stamp | None = None) -> Stamp | None:  # type: ignore[override]
        folder, _, name = path.rpartition("/")
        names = self._folder(folder, False)
        return default if names is None else names.get(name, default)

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        folder, _, name = path.rpartition("/")
        names = self._folder(folder, False)
        return names is not None and name in names

    def __setitem__(self, path: str, stamp: Stamp) -> None:
        folder, _, name = path.rpartition("/")
        names = self._folder(folder, True)
        assert names is not None
        self._len += name not in names
        names[name] = stamp

    def __delitem__(self, path: str) -> None:
        names, name = self._held(path)
        del names[name]
        self._len -= 1

    def __iter__(self) -> Iterator[str]:
        """Every path (decodes every folder: for the rare ways that look at every file)."""
        for folder in list(self._chunks.keys() | self._open.keys()):
            prefix = folder + "/" if folder else ""
            for name in list(self._folder(folder, False) or ()):
                yield prefix + name

    def __len__(self) -> int:
        return self._len

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Stamps) and other._chunks is self._chunks:
            # copies of one record: only the folders decoded in either can differ
            return self._len == other._len and all(
                self.folder(f) == other.folder(f) for f in self._open.keys() | other._open.keys()
            )
        if not isinstance(other, Mapping):
            return NotImplemented
        return len(self) == len(other) and dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Stamps({len(self)} files)"
