"""Reading content files safely, and remembering exactly what was read.

A committed symlink must not publish a file of the build machine, and a pipe or a device
must neither hang the build nor fill its memory. So every read stays inside the content
folder (a link is followed only when it leads to a place inside it), opens without
blocking, accepts only a regular file and reads at most MAX_FILE_BYTES + 1 bytes.

A ``Tree`` is one agency folder (or the content folder itself, for site.yaml) as this build
saw it: the listings and the bytes it handed to the loader. Digests are taken of those very
bytes, so a file that changes between a look and a read can never leave a page built from
one version recorded under the digest of another.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from blake3 import blake3

from .problems import Problem

MAX_FILE_BYTES = 2 * 1024 * 1024  # a real report.yaml is ~5 KB; narrative rarely 100 KB

# Rule ids of what this module refuses (listed in the README's rule table).
LINK_OUT = "S1"
NOT_REGULAR = "S2"
VANISHED = "S3"

_OUTSIDE = "是指向内容目录之外的符号链接；为防止泄露本机文件，不会读取"
_GONE = "读取时文件或文件夹被删除或移动（内容正在变动？）；稍后请重新生成"


def digest(*parts: bytes | str) -> str:
    """128 bits of BLAKE3 over the parts, each followed by a NUL. BLAKE3: every output
    file is hashed once for the manifest (2 GB at 10,000 reports), five times faster
    than blake2b. A change of hash needs no version: the build key digests this code."""
    h = hasher()
    for p in parts:
        h.update(p.encode("utf-8") if isinstance(p, str) else p)
        h.update(b"\x00")
    return h.hexdigest(DIGEST_BYTES)


DIGEST_BYTES = 16


def hasher() -> blake3:
    """The hash ``digest`` feeds (write.PieceFile feeds one piecewise)."""
    return blake3()


class Refused(Exception):
    """A file that will not be read: the message says why (in Chinese), ``rule`` its id."""

    def __init__(self, message: str, rule: str = "") -> None:
        super().__init__(message)
        self.message, self.rule = message, rule


def inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def read_bounded(real: str) -> bytes:
    """A regular file's bytes, at most MAX_FILE_BYTES + 1 of them (so "too big" shows).

    Opened without following a final link and without blocking (a FIFO opens at once), then
    checked on the open descriptor: what is read is what was checked."""
    flags = os.O_RDONLY
    for name in ("O_NONBLOCK", "O_NOFOLLOW", "O_CLOEXEC"):  # POSIX; Windows has no FIFOs
        flags |= getattr(os, name, 0)
    try:
        fd = os.open(real, flags)
    except OSError as e:
        if e.errno == errno.ELOOP:  # the file became a link after we looked
            raise Refused(_OUTSIDE, LINK_OUT) from e
        raise
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise Refused("应为文件，实为文件夹")
        if not stat.S_ISREG(st.st_mode):
            raise Refused("不是普通文件（可能是管道、设备或套接字），不会读取", NOT_REGULAR)
        if st.st_size > MAX_FILE_BYTES:
            raise Refused(_too_big(st.st_size))
        chunks, left = [], MAX_FILE_BYTES + 1
        # Read until the end, or until the size fstat gave is in: a content file is read
        # in one call, without a second to find the end (50,000 calls at 10,000 reports).
        # A file that changes meanwhile is read as far as its size then, and its new size
        # is seen by the next build's scan. A size of 0 (as some special file systems
        # report for files with content) is no promise: those are read to the end.
        expected = st.st_size or MAX_FILE_BYTES + 1
        got = 0
        while left > 0:
            # Ask for what is still expected, not a fixed 1 MB: os.read allocates what it is
            # asked for, and a 1 MB buffer is mapped, shrunk and unmapped by malloc (three
            # system calls and fresh pages per file; 4,100 of each for 1,000 reports).
            chunk = os.read(fd, min(left, expected - got, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
            got += len(chunk)
            if got >= expected:
                break
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:  # grew after fstat
        raise Refused(_too_big(len(data)))
    return data


def _too_big(size: int) -> str:
    return (
        f"文件过大（{size / 1024 / 1024:.1f} MB），超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限"
    )


@dataclass
class Entry:
    name: str
    kind: str  # "dir", "file" (anything else that is not a folder), or "refused"
    real: str  # the path to open: every link already resolved and checked


@dataclass
class Tree:
    """One folder under the content root, read on demand and remembered.

    Paths are relative to the folder, with "/" (``""`` is the folder itself)."""

    folder: Path
    root: str  # the content folder, resolved
    _dirs: dict[str, list[Entry] | Refused] = field(default_factory=dict)
    _files: dict[str, bytes | Refused] = field(default_factory=dict)
    _real: dict[str, str] = field(default_factory=dict)
    _digests: dict[str, str] = field(default_factory=dict)  # of files in _files
    _digested: tuple[tuple[int, int], tuple[str, dict[str, str]]] | None = None
    vanished: bool = False

    def __post_init__(self) -> None:
        real = os.path.realpath(self.folder)
        if not inside(real, self.root):
            self._dirs[""] = Refused(_OUTSIDE, LINK_OUT)
        self._real[""] = real

    def refusal(self, rel: str) -> Refused | None:
        """Why an entry (or the folder itself, ``""``) will not be read, if it will not."""
        entry = self._entry(rel) if rel else None
        if entry is not None and entry.kind == "refused":
            return Refused(_OUTSIDE, LINK_OUT)
        if rel == "" or (entry is not None and entry.kind == "dir"):
            listed = self._list(rel)  # a folder that cannot be listed (vanished) says so
            return listed if isinstance(listed, Refused) else None
        return None

    def children(self, rel: str = "") -> list[Entry]:
        """The visible entries of a folder (no dot-files), sorted by name."""
        listed = self._list(rel)
        return [] if isinstance(listed, Refused) else listed

    def kind(self, rel: str) -> str | None:
        entry = self._entry(rel)
        return entry.kind if entry is not None else None

    def is_file(self, rel: str) -> bool:
        return self.kind(rel) in ("file", "refused")

    def read(self, rel: str) -> bytes:
        """The file's bytes (remembered), or Refused saying why not."""
        if rel not in self._files:
            self._files[rel] = self._load(rel)
        got = self._files[rel]
        if isinstance(got, Refused):
            raise got
        return got

    def file_digest(self, rel: str) -> str:
        """The digest of the bytes handed out for ``rel``, or why there were none."""
        got = self._files.get(rel)
        if got is None:
            return "unread"
        if isinstance(got, Refused):
            return "refused:" + got.message
        known = self._digests.get(rel)
        if known is None:  # a file's bytes never change once handed out: hashed once
            known = self._digests[rel] = digest(got)
        return known

    def digest(self, prefix: str = "") -> str:
        """Everything handed out under ``prefix`` (a child's name, or all): listings and
        bytes. Deterministic: loading the same content reads the same things."""
        parts = []
        for rel, listed in sorted(self._dirs.items()):
            if _under(rel, prefix):
                names = (
                    "refused"
                    if isinstance(listed, Refused)
                    else ",".join(f"{e.name}:{e.kind}" for e in listed)
                )
                parts.append(f"d:{rel}:{names}")
        for rel in sorted(self._files):
            if _under(rel, prefix):
                parts.append(f"f:{rel}:{self.file_digest(rel)}")
        return digest("\n".join(parts))

    def digests(self) -> tuple[str, dict[str, str]]:
        """``digest()``, and ``digest(name)`` for each child's ``name``: in one pass over
        what was handed out (a pass per child looked at every file of the folder each
        time), and again only once more has been handed out."""
        by_child: dict[str, list[str]] = {e.name: [] for e in self.children()}
        seen = (len(self._dirs), len(self._files))  # both only grow: this is the state
        if self._digested is not None and self._digested[0] == seen:
            return self._digested[1]
        every: list[str] = []
        for rel, listed in sorted(self._dirs.items()):
            names = (
                "refused"
                if isinstance(listed, Refused)
                else ",".join(f"{e.name}:{e.kind}" for e in listed)
            )
            every.append(f"d:{rel}:{names}")
            _add(by_child, rel, every[-1])
        for rel in sorted(self._files):
            every.append(f"f:{rel}:{self.file_digest(rel)}")
            _add(by_child, rel, every[-1])
        made = (
            digest("\n".join(every)),
            {name: digest("\n".join(parts)) for name, parts in by_child.items()},
        )
        self._digested = (seen, made)
        return made

    # -----------------------------------------------------------------------------------

    def _entry(self, rel: str) -> Entry | None:
        parent, _, name = rel.rpartition("/")
        for entry in self.children(parent):
            if entry.name == name:
                return entry
        return None

    def _list(self, rel: str) -> list[Entry] | Refused:
        if rel in self._dirs:
            return self._dirs[rel]
        listed: list[Entry] | Refused
        if rel == "":
            real = self._real[""]
        else:
            entry = self._entry(rel)
            real = entry.real if entry is not None and entry.kind == "dir" else ""
        if not real:
            listed = Refused("不是文件夹")
        else:
            try:
                listed = self._scan(real)
            except OSError as e:
                if e.errno in (errno.ENOENT, errno.ENOTDIR):
                    self.vanished = True
                    listed = Refused(_GONE, VANISHED)
                else:
                    listed = Refused(f"无法读取文件夹：{_why(e)}")
        self._dirs[rel] = listed
        return listed

    def _scan(self, real: str) -> list[Entry]:
        entries = []
        with os.scandir(real) as it:
            for e in it:
                if e.name[0] == ".":
                    continue
                path = os.path.join(real, e.name)
                if e.is_symlink():
                    target = os.path.realpath(path)
                    if not inside(target, self.root):
                        entries.append(Entry(e.name, "refused", target))
                        continue
                    kind = "dir" if os.path.isdir(target) else "file"
                    entries.append(Entry(e.name, kind, target))
                else:
                    kind = "dir" if e.is_dir(follow_symlinks=False) else "file"
                    entries.append(Entry(e.name, kind, path))
        entries.sort(key=lambda e: e.name)
        return entries

    def _load(self, rel: str) -> bytes | Refused:
        entry = self._entry(rel)
        if entry is None:
            return Refused("文件不存在")
        if entry.kind == "refused":
            return Refused(_OUTSIDE, LINK_OUT)
        try:
            return read_bounded(entry.real)
        except Refused as refused:
            return refused
        except OSError as e:
            if e.errno in (errno.ENOENT, errno.ENOTDIR):
                self.vanished = True
                return Refused(_GONE, VANISHED)
            if e.errno == errno.EISDIR:
                return Refused("应为文件，实为文件夹")
            return Refused(f"无法读取文件：{_why(e)}")


def _why(e: OSError) -> str:
    if e.errno in (errno.EACCES, errno.EPERM):  # strerror would be English
        return "没有读取权限"
    return str(e.strerror or e)


def _add(by_child: dict[str, list[str]], rel: str, part: str) -> None:
    """``part`` into the list of the child ``rel`` lies under (``_under``), if listed
    (``""``, the folder itself, lies under none)."""
    listed = by_child.get(rel.partition("/")[0]) if rel else None
    if listed is not None:
        listed.append(part)


def _under(rel: str, prefix: str) -> bool:
    return not prefix or rel == prefix or rel.startswith(prefix + "/")


def refusal_problem(refused: Refused, shown: str) -> Problem:
    return Problem(shown, 1, 1, "error", refused.message, refused.rule)


@dataclass
class AgencyFolder:
    """An agency's folder as the content scan found it (sources), read through a Tree."""

    slug: str
    content: Path  # the folder holding it, as given (``path`` is made when asked for: a
    # Path costs some 4 µs, 60 ms for a scan of 14,300 agencies that reads a few)
    signature: str  # names, sizes and modification times: cheap, may change without edits
    root: str = ""  # the content folder, resolved: reads never leave it
    _tree: Tree | None = field(default=None, repr=False)
    _path: Path | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = self.content / self.slug
        return self._path

    @property
    def tree(self) -> Tree:
        """The folder as this build reads it (see Tree)."""
        if self._tree is None:
            self._tree = Tree(self.path, self.root or os.path.realpath(self.path.parent))
        return self._tree

    @property
    def digest(self) -> str:
        """Every listing and every byte the loader was handed."""
        return self.tree.digests()[0]

    @property
    def meta(self) -> str:
        """agency.yaml's bytes, as loaded."""
        return self.tree.file_digest("agency.yaml")

    @property
    def years(self) -> dict[str, str]:
        """Each year folder (or other entry) and the digest of what was loaded from it."""
        return dict(self.tree.digests()[1])
