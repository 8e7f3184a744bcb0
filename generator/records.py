"""The plain records a build keeps in the output's cache folder (manifest, scan listings,
output folders' times, trend figures, key cache): ``marshal`` of plain data after a magic
line and a CRC-32 of the bytes, each replaced in one step. Anything odd about one (absent,
cut short, a byte changed, another version) means "no record"."""

from __future__ import annotations

import marshal
import os
import zlib
from pathlib import Path
from typing import Any

CHECK = 4  # bytes of CRC-32 after the magic line: catches a file cut short or changed


def framed(magic: bytes, plain: Any) -> bytes:
    data = marshal.dumps(plain)
    return magic + zlib.crc32(data).to_bytes(CHECK, "big") + data


def unframed(magic: bytes, raw: bytes) -> Any:
    """The plain data of a file framed by ``framed``; ValueError if it is not one (or
    marshal's own error if the checked bytes still do not read)."""
    head = len(magic) + CHECK
    if not raw.startswith(magic) or len(raw) < head:
        raise ValueError("not a record")
    data = memoryview(raw)[head:]
    if zlib.crc32(data).to_bytes(CHECK, "big") != raw[len(magic) : head]:
        raise ValueError("damaged")
    return marshal.loads(data)


def replace_file(path: Path, data: bytes) -> None:
    """``path`` holds ``data``, written beside it first: a reader sees the old file or the
    new one, never part of one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
