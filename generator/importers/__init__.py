"""Importing published reports (PDF, Word, HTML, text) into the content model.

``read_document`` sniffs what a file is (its bytes first, its extension second) and hands
it to the reader module of that kind; each reader module exposes
``read(path: Path, shown: str) -> Document`` and raises ``SourceError`` with a Chinese
message. Adding a kind is one line in ``KINDS``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from .document import Document, SourceError

Reader = Callable[[Path, str], Document]


def _is_zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def _is_html(head: bytes) -> bool:
    start = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<meta", b"<head", b"<?xml")) and (
        b"<html" in head[:4096].lower() or start.startswith(b"<!doctype html")
    )


# kind, reader module, extensions, what the first bytes look like
KINDS: tuple[tuple[str, str, tuple[str, ...], Callable[[bytes], bool]], ...] = (
    ("pdf", "pdf", (".pdf",), lambda h: h.lstrip()[:5] == b"%PDF-"),
    ("docx", "docx", (".docx",), _is_zip),
    # OLE2 is the container of every old Office format (.xls, .ppt) and of encrypted .docx:
    # its bytes do not tell a Word file, the extension does.
    ("doc", "doc", (".doc", ".wps"), lambda h: False),
    ("html", "html", (".html", ".htm", ".shtml", ".xhtml"), _is_html),
    ("text", "text", (".txt", ".md", ".markdown", ".text"), lambda h: False),
)
EXTENSIONS = tuple(ext for _, _, exts, _ in KINDS for ext in exts)


def kind_of(path: Path, head: bytes) -> str | None:
    """The kind a file is: its bytes decide when they are telling, else its extension."""
    for kind, _, _, sniff in KINDS:
        if sniff(head):
            return kind
    suffix = path.suffix.lower()
    return next((kind for kind, _, exts, _ in KINDS if suffix in exts), None)


def read_document(path: Path, shown: str | None = None) -> Document:
    """Read any supported report file into a Document, or raise SourceError."""
    shown = shown or str(path)
    try:
        with path.open("rb") as f:
            head = f.read(8192)
    except OSError as e:
        raise SourceError(f"{shown}: 无法读取文件（{e.strerror}）") from None
    if not head.strip():
        raise SourceError(f"{shown}: 文件是空的，没有可导入的内容")
    kind = kind_of(path, head)
    if kind is None:
        known = "、".join(EXTENSIONS)
        raise SourceError(
            f"{shown}: 不支持的文件类型“{path.suffix or '无扩展名'}”；可导入的文件：{known}"
        )
    module = next(m for k, m, _, _ in KINDS if k == kind)
    try:
        reader = importlib.import_module(f".{module}", __name__)
    except ImportError:
        raise SourceError(f"{shown}: 暂不支持导入 {kind} 文件") from None
    document: Document = reader.read(path, shown)
    return document
