"""Legacy Word (.doc) reader: LibreOffice converts it to .docx, the Word reader reads that.

The binary .doc format is not worth reading by hand; LibreOffice (``soffice``) converts it
faithfully, merged cells included. Without LibreOffice the message says how to convert.
Many portals also serve Word-exported HTML or a real .docx under a .doc name: those are
recognised by their first bytes and read directly.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from . import docx, html
from .document import Document, SourceError

_TIMEOUT = 180  # seconds; a long report converts in a few, a hung soffice must not hang the batch
_HOW_TO_CONVERT = (
    "请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui），"
    "或用 Word / WPS 打开后“另存为”.docx 再导入"
)


def read(path: Path, shown: str) -> Document:
    """Read a .doc file (through LibreOffice) into blocks; raise SourceError if it cannot."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SourceError(f"{shown}: 无法打开文件（{e.strerror}）") from None
    if not data.strip():
        raise SourceError(f"{shown}: 文件是空的，没有可导入的内容")
    if data.startswith(b"PK\x03\x04"):  # a .docx with the old extension
        return _as_doc(docx.read(path, shown))
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype", b"<?xml", b"mime-version")) or b"<html" in head:
        if head.startswith(b"mime-version"):
            raise SourceError(
                f"{shown}: 这是 Word 另存的“单个文件网页”（.mht），不能直接导入。"
                "请用 Word 或 WPS 打开后另存为 .docx 再导入"
            )
        return html.read_bytes(data, shown, kind="doc")
    return _as_doc(_convert(path, shown, data))


def _as_doc(document: Document) -> Document:
    document.kind = "doc"
    return document


def _convert(path: Path, shown: str, data: bytes) -> Document:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SourceError(
            f"{shown}: 读取旧版 Word（.doc）文件需要 LibreOffice，本机没有找到 soffice。{_HOW_TO_CONVERT}"
        )
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as tmp:
        work = Path(tmp)
        source = work / "source.doc"  # a plain name: soffice mishandles some file names
        source.write_bytes(data)
        profile = (work / "profile").as_uri()  # its own profile: batch jobs run soffice in parallel
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=_TIMEOUT, check=False, cwd=tmp)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise SourceError(
                f"{shown}: LibreOffice 转换 .doc 文件失败（{type(e).__name__}）。{_HOW_TO_CONVERT}"
            ) from None
        converted = work / "out" / "source.docx"
        if not converted.is_file() or converted.stat().st_size == 0:
            raise SourceError(
                f"{shown}: LibreOffice 无法转换这个 .doc 文件：文件可能已损坏或设置了密码。"
                "请用 Word 或 WPS 打开，取消密码后另存为 .docx 再导入"
            )
        return _as_doc(docx.read(converted, shown))
