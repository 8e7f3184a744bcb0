"""Stage 4, write: the only stage that touches the output folder.

A full build writes into a fresh sibling folder, which replaces the old output only when
every file is in place. An incremental build replaces the changed files one by one, each
atomically (a reader never sees half a page), and removes the pages that are gone. The
writer notes what it wrote to each file (size, time, digest), for the manifest.
"""

from __future__ import annotations

import os
from collections.abc import Callable, MutableMapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .contentfiles import DIGEST_BYTES, digest, hasher
from .outputs import Output

if TYPE_CHECKING:
    from .manifest import Stamp

TMP_SUFFIX = ".nianbao-tmp"  # a page being replaced; recognised as ours (outdir)
COPY_BUFFER = 1 << 20  # bytes read at a time to hash a copied range
IOV_MAX = 1024  # buffers one os.writev takes (the limit of Linux and the BSDs)


class UnsafeOutput(ValueError):
    """A path that would leave the output folder."""


def safe_path(path: str) -> str:
    """``path`` as a plain relative path ('a/b.html'); an unsafe one refused.

    A path already in that form (no empty, '.' or '..' part, no backslash or NUL, neither
    starting nor ending with '/') is returned as it is without parsing it: the writer
    checks every file of a site, and a PurePosixPath per file cost more than its write's
    own bookkeeping. Any other path is parsed, normalised or refused as before."""
    if path and "\\" not in path and "\x00" not in path and path[0] != "/" and path[-1] != "/":
        parts = path.split("/")
        if "" not in parts and "." not in parts and ".." not in parts:
            return path
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or not p.parts or "\\" in path or "\x00" in path:
        raise UnsafeOutput(f"输出路径不安全：{path}")
    return p.as_posix()


class Writer:
    """Writes outputs under one folder, refusing unsafe and repeated paths. ``atomic``
    replaces each file in one step (for a folder being served); a private staging folder
    needs no such care."""

    def __init__(
        self,
        root: Path,
        atomic: bool = True,
        stamps: MutableMapping[str, Stamp] | None = None,
        journal: Callable[[str], None] | None = None,
    ) -> None:
        """``journal`` is told each path before it changes (outdir.Journal)."""
        self.root = root
        self.journal = journal
        self.atomic = atomic
        self.written: set[str] = set()
        self.stamps: MutableMapping[str, Stamp] = stamps if stamps is not None else {}
        self._root = str(root)
        self._folders: set[str] = set()  # made (or found) already, relative to root

    def claim(self, path: str) -> Path:
        """Take ``path`` for a file about to be written (noted in the journal first, its
        folder made); the file it names. For a file written elsewhere, in pieces
        (``PieceFile``), whose stamp is then ``record``ed."""
        return Path(self._take(safe_path(path)))

    def _take(self, path: str) -> str:
        """``claim`` for a path already safe: the file's name as a string (no Path per
        file: a site has tens of thousands)."""
        if path in self.written:
            raise UnsafeOutput(f"两个页面的输出路径相同：{path}")
        self.written.add(path)
        if self.journal is not None:
            self.journal(path)
        folder = path.rpartition("/")[0]
        if folder not in self._folders:
            self._make(folder)
        return os.path.join(self._root, path)

    def _make(self, folder: str) -> None:
        """Make ``folder`` (relative to root) and note it and every folder above it as
        there. In a fresh folder (not ``atomic``) the one above is made first: trying the
        folder first would fail once for each agency (its report's folder before its own)."""
        parent = folder.rpartition("/")[0]
        if not self.atomic and parent and parent not in self._folders:
            self._make(parent)
        _make_folder(os.path.join(self._root, folder))
        self._folders.add(folder)
        while (folder := folder.rpartition("/")[0]) and folder not in self._folders:
            self._folders.add(folder)

    def record(self, path: str, stamp: Stamp) -> None:
        self.stamps[safe_path(path)] = stamp

    def write(self, output: Output) -> None:
        path = safe_path(output.path)
        target = self._take(path)
        if not self.atomic:
            st = _write_file(target, output.data)
        else:
            folder, _, name = target.rpartition("/")
            tmp = f"{folder}/.{name}{TMP_SUFFIX}"
            st = _write_file(tmp, output.data)
            os.replace(tmp, target)  # a rename keeps the size and the modification time
        self.stamps[path] = (st.st_size, st.st_mtime_ns, digest(output.data))

    def remove(self, path: str) -> None:
        """Remove a page that no longer exists, and the folders it leaves empty."""
        path = safe_path(path)
        if self.journal is not None:
            self.journal(path)
        target = self.root / path
        target.unlink(missing_ok=True)
        self.stamps.pop(path, None)
        folder = target.parent
        while folder != self.root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def _make_folder(folder: str) -> None:
    """``Path.mkdir(parents=True, exist_ok=True)``, in one system call when the parent is
    there (a report's folder: its agency's is made with the agency's first file)."""
    try:
        os.mkdir(folder)
    except FileNotFoundError:  # its parent first: no look up the tree as os.makedirs takes
        parent = os.path.dirname(folder)
        if not parent or parent == folder:
            raise
        _make_folder(parent)
        _make_folder(folder)
    except FileExistsError:
        if not os.path.isdir(folder):
            raise


def _write_file(path: str, data: bytes) -> os.stat_result:
    """Create or truncate ``path`` and write ``data``; its status read from the open file.
    Plain os calls: a site has thousands of small files, and pathlib's buffered file and a
    second lookup by name for the stat cost more than the write."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        return os.fstat(fd)
    finally:
        os.close(fd)


class PieceFile:
    """A large file written in pieces (bytes, or ranges copied from another file), never
    whole in memory. ``atomic``: written beside its path and put in place by ``close`` in
    one step, as ``Writer`` does. ``hashed``: the bytes are hashed as they go, copied ones
    read back for it, and the stamp's digest is theirs; otherwise the caller names the
    digest at ``close`` (a tidy year file's is made from its pieces' digests: year_write),
    and copied bytes are left to the kernel alone."""

    def __init__(self, target: Path, atomic: bool, hashed: bool = True) -> None:
        self.target = target
        self.path = target.with_name(f".{target.name}{TMP_SUFFIX}") if atomic else target
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        self.size = 0
        self._hash = hasher() if hashed else None  # contentfiles.digest, fed piecewise

    def write(self, data: bytes | memoryview) -> None:
        if self._hash is not None:
            self._hash.update(data)
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]
        self.size += len(data)

    def write_parts(self, parts: list[bytes]) -> None:
        """``write`` each of ``parts`` in turn, handed to the kernel as they are
        (``os.writev``), not joined into one more copy first: a year's tidy files are a
        gigabyte at 10,000 reports."""
        if not hasattr(os, "writev"):  # (Windows)
            self.write(b"".join(parts))
            return
        if self._hash is not None:
            for part in parts:
                self._hash.update(part)
        for at in range(0, len(parts), IOV_MAX):
            batch = parts[at : at + IOV_MAX]
            size = sum(map(len, batch))
            done = os.writev(self.fd, batch)
            if done < size:  # a short write (rare): the rest one piece at a time
                view = memoryview(b"".join(batch))[done:]
                while view:
                    view = view[os.write(self.fd, view) :]
            self.size += size

    def copy(self, source: int, start: int, length: int) -> None:
        """Append ``length`` bytes of the open file ``source`` from ``start``: copied by the
        kernel; read here only in pieces, for the hash (memory stays small however large
        the file) or what the kernel did not copy."""
        end = start + length
        offset = start
        try:
            while offset < end:
                n = os.copy_file_range(source, self.fd, end - offset, offset)
                if n == 0:
                    break
                offset += n
        except OSError:  # a file system without it: what is left is written below
            pass
        at = start if self._hash is not None else offset
        buffer = bytearray(min(end - at, COPY_BUFFER))
        while at < end:
            view = memoryview(buffer)[: min(len(buffer), end - at)]
            got = os.preadv(source, [view], at)
            if got == 0:
                raise OSError(f"文件在复制时变短：{self.target}")
            if self._hash is not None:
                self._hash.update(view[:got])
            if at + got > offset:  # not copied by the kernel: write it
                skip = max(0, offset - at)
                rest = view[skip:got]
                while rest:
                    rest = rest[os.write(self.fd, rest) :]
                offset = at + got
            at += got
        self.size += length

    def close(self, digest: str | None = None) -> Stamp:
        """Put the file in place; its stamp, as ``Writer`` records one (its digest
        ``digest`` when the file is not ``hashed``)."""
        try:
            st = os.fstat(self.fd)
        finally:
            os.close(self.fd)
        if self.path != self.target:
            os.replace(self.path, self.target)
        if self._hash is None:
            assert digest is not None, "an unhashed file's digest is named at close"
            return (st.st_size, st.st_mtime_ns, digest)
        self._hash.update(b"\x00")
        return (st.st_size, st.st_mtime_ns, self._hash.hexdigest(DIGEST_BYTES))

    def abort(self) -> None:
        os.close(self.fd)
        Path(self.path).unlink(missing_ok=True)


def staging_for(out_dir: Path) -> Path:
    """A fresh, empty folder beside ``out_dir`` to build into."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # here, as in swap_in: only a build from scratch stages a new folder

    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    top_of_its_own(staging)
    return staging


# ioctl requests and the flag of chattr's 'T' attribute (linux/fs.h); the value is an int
FS_IOC_GETFLAGS, FS_IOC_SETFLAGS, FS_TOPDIR_FL = 0x80086601, 0x40086602, 0x00020000


def top_of_its_own(folder: Path) -> bool:
    """Mark ``folder`` the top of a directory hierarchy (``chattr +T``), best effort;
    whether it is marked. ext4 then places each folder made in it (an agency's) wherever
    inodes are free across the disk, as it does the folders at a disk's root, instead of
    beside ``folder``'s parent. A site is 63,000 new inodes at 10,000 reports, and the
    parent is where the sites before it were deleted: ext4 without a journal skips every
    inode freed in the last minutes, one by one, each time it looks for a free one there
    (creating a fresh site's files took 2 to 6 times the system time). Anything the file
    system does not support is left as it is; the files are the same either way."""
    try:
        import array
        import fcntl
    except ImportError:  # not on this system (Windows)
        return False
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        flags = array.array("i", [0])
        fcntl.ioctl(fd, FS_IOC_GETFLAGS, flags, True)
        if not flags[0] & FS_TOPDIR_FL:
            flags[0] |= FS_TOPDIR_FL
            fcntl.ioctl(fd, FS_IOC_SETFLAGS, flags, True)
        return True
    except OSError:  # another file system, or no right to: nothing lost
        return False
    finally:
        os.close(fd)


def swap_in(staging: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``staging``; the old folder goes only after the new one is in."""
    out_dir = out_dir.resolve()
    os.chmod(staging, 0o755)
    if out_dir.exists():
        import shutil
        import tempfile

        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        old.rmdir()
        out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out_dir)


def discard(staging: Path) -> None:
    import shutil

    shutil.rmtree(staging, ignore_errors=True)
