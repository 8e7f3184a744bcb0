"""Importing published reports (PDF, Word, HTML, text) into the content model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .document import Document, SourceError

Reader = Callable[[Path, str], Document]


def _readers() -> dict[str, Reader]:
    # Imported here so a missing optional library fails only the files that need it.
    from . import doc, docx, html

    return {
        ".docx": docx.read,
        ".doc": doc.read,
        ".html": html.read,
        ".htm": html.read,
        ".shtml": html.read,
        ".xhtml": html.read,
    }


def read_document(path: Path, shown: str) -> Document:
    """Read one report file with the reader for its kind; SourceError says why it cannot."""
    reader = _readers().get(path.suffix.lower())
    if reader is None:
        known = "、".join(sorted(_readers()))
        raise SourceError(
            f"{shown}: 不支持的文件类型“{path.suffix or '（无扩展名）'}”；可导入 {known}"
        )
    return reader(path, shown)
