"""`nianbao init DIR`: a new portal repository that checks and builds at once.

The files come from ``portal_template/`` (package data); a name starting with ``dot-`` is
written with a leading dot instead (``dot-gitignore`` → ``.gitignore``), since hidden files
are easily lost when packaging. The JSON Schemas are generated, not copied, so they always
match the installed formats.
"""

from __future__ import annotations

from pathlib import Path

from .scaffold import Refused
from .schema import write_schemas

TEMPLATE = Path(__file__).resolve().parent / "portal_template"


def init_portal(target: Path) -> list[Path]:
    """Write the portal into ``target`` (missing or empty); the files written, in order."""
    if target.exists() and not target.is_dir():
        raise Refused(f"{target} 已存在且不是文件夹")
    if target.is_dir() and any(target.iterdir()):
        raise Refused(f"{target}/ 不是空文件夹，不会写入；请指定一个新的或空的文件夹")
    written: list[Path] = []
    for source in sorted(TEMPLATE.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts:
            continue
        relative = source.relative_to(TEMPLATE)
        dest = target.joinpath(*(_name(part) for part in relative.parts))
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(source.read_bytes())
        written.append(dest)
    written.extend(write_schemas(target / "schemas"))
    return written


def _name(part: str) -> str:
    return "." + part.removeprefix("dot-") if part.startswith("dot-") else part
