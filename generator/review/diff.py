"""``nianbao diff``: what changed between two versions of a report, cell by cell in official
labels (表三 三、（一）予以公开 / 自然人: 290 → 291), the narrative as a unified text diff.

Also the two ways git can use it: ``--textconv FILE`` prints a report.yaml as one line per
cell (git then diffs those lines), and ``--git REV`` diffs every report changed since REV.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

from ..contentfiles import Tree
from ..load import load_report, load_report_file
from ..model import NARRATIVE_FILES, Report, Value
from ..problems import Problem

ABSENT = "（无）"


def report_lines(report: Report) -> list[tuple[str, str]]:
    """(official name, value) of everything report.yaml states, in the format's order."""
    out = [("年度", str(report.year)), ("格式", report.format.title)]
    if report.published is not None:
        out.append(("发布日期", report.published.isoformat()))
    if report.carry_over_note:
        out.append(("结转说明", report.carry_over_note))
    for cell, spec in report.format.cells.items():
        value = report.cells.get(cell)
        unit = report.units.get(cell)
        shown = ABSENT if value is None else _show(value) + (f" {unit}" if unit else "")
        out.append((spec.name, shown))
    fees = report.processing_fees
    if fees is not None:
        out.append(("信息处理费 发出收费通知的件数", str(fees.notices)))
        out.append(("信息处理费 收费通知总金额", f"{_show(fees.noticed_amount)} 元"))
        out.append(("信息处理费 实际收取总金额", f"{_show(fees.collected)} 元"))
    for i, rev in enumerate(report.revisions, 1):
        out.append((f"更正说明 {i}", f"{rev.date.isoformat()} {rev.what}（{rev.why}）"))
    return out


def _show(value: Value) -> str:
    return str(value) if not isinstance(value, Decimal) else f"{value:f}"


def diff_reports(old: Report, new: Report, old_label: str, new_label: str) -> list[str]:
    """Changed cells as ``name: old → new``, then each changed narrative as a unified diff."""
    before, after = dict(report_lines(old)), dict(report_lines(new))
    names = list(after) + [n for n in before if n not in after]
    lines = [
        f"{name}: {before.get(name, ABSENT)} → {after.get(name, ABSENT)}"
        for name in names
        if before.get(name, ABSENT) != after.get(name, ABSENT)
    ]
    for key, file in NARRATIVE_FILES.items():
        a, b = old.narratives.get(key, ""), new.narratives.get(key, "")
        if a != b:
            lines.extend(
                difflib.unified_diff(
                    a.splitlines(),
                    b.splitlines(),
                    f"{old_label}/{file}",
                    f"{new_label}/{file}",
                    lineterm="",
                )
            )
    return lines


def load_either(path: Path, problems: list[Problem]) -> Report | None:
    """A report folder (report.yaml and its narratives) or a report.yaml on its own."""
    if path.is_dir():  # the year folder, read as the agency's tree reads it
        parent = path.resolve().parent
        tree = Tree(parent, os.path.realpath(parent))
        return load_report(tree, path.name, path.as_posix(), "", problems)
    return load_report_file(path, path.as_posix(), problems)


def textconv(path: Path) -> list[str]:
    problems: list[Problem] = []
    report = load_report_file(path, path.as_posix(), problems)
    if report is None:  # unreadable: let git show the text itself
        return path.read_text("utf-8", errors="replace").splitlines()
    return [f"{name}: {value}" for name, value in report_lines(report)]


def changed_since(rev: str, content: Path) -> tuple[list[str], str | None]:
    """Each report folder under ``content`` changed since ``rev``, as a git-relative path."""
    try:
        top = _git(content, "rev-parse", "--show-toplevel").strip()
        names = _git(Path(top), "diff", "--name-only", rev, "--", content.resolve().as_posix())
    except (OSError, subprocess.CalledProcessError) as e:
        return [], str(getattr(e, "stderr", "") or e).strip()
    folders = sorted({n.rsplit("/", 1)[0] for n in names.splitlines() if n.count("/") >= 2})
    return [f for f in folders if f.rsplit("/", 1)[-1].isdigit()], None


def diff_since(rev: str, content: Path) -> tuple[list[str], str | None]:
    """The diff of every report changed since ``rev`` (the working tree against it)."""
    folders, error = changed_since(rev, content)
    if error is not None:
        return [], error
    top = Path(_git(content, "rev-parse", "--show-toplevel").strip())
    out: list[str] = []
    for folder in folders:
        with tempfile.TemporaryDirectory() as tmp:
            old_dir = Path(tmp) / folder.rsplit("/", 1)[-1]
            old_dir.mkdir()
            for file in ("report.yaml", *NARRATIVE_FILES.values()):
                try:
                    blob = _git(top, "show", f"{rev}:{folder}/{file}")
                except subprocess.CalledProcessError:
                    continue
                (old_dir / file).write_text(blob, "utf-8")
            problems: list[Problem] = []
            new_dir = top / folder
            old = load_either(old_dir, problems) if (old_dir / "report.yaml").exists() else None
            new = load_either(new_dir, problems) if (new_dir / "report.yaml").exists() else None
            out.append(f"== {folder}")
            if old is None and new is None:
                out.append("无法读取")
            elif old is None:
                out.append(f"新增年报（{rev} 中没有）")
            elif new is None:
                out.append("年报已删除")
            else:
                out.extend(
                    diff_reports(old, new, f"{rev}:{folder}", folder) or ["数据与正文均无变化"]
                )
    return out, None


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout
