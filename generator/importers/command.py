"""``nianbao import``: report files in, report folders out, and a summary of what needs a
person's eye.

Files are read and mapped in parallel (one process per core); folders are written by the
main process, one at a time and atomically: the year folder is assembled beside its place
and renamed into it, so a failure leaves no partial folder. Nothing is overwritten without
``--force``; ``--dry-run`` writes nothing and lists what would be written.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..load import load_agency
from ..problems import Problem, sort_problems
from ..schema import write_schemas
from ..validate import validate_agency
from . import EXTENSIONS, read_document
from .convert import Converted, Options, convert
from .document import SourceError
from .mapper import PLACEHOLDER


@dataclass(frozen=True)
class Job:
    path: Path
    shown: str
    options: Options


def report_files(paths: list[Path]) -> Iterator[tuple[Path, str]]:
    """Each file given, and every report file below each folder given, in name order."""
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if (
                    found.is_file()
                    and found.suffix.lower() in EXTENSIONS
                    and not any(part.startswith(".") for part in found.relative_to(path).parts)
                ):
                    yield found, found.as_posix()
        else:
            yield path, path.as_posix()


def convert_one(job: Job) -> Converted | str:
    """The converted report, or the Chinese message saying why the file cannot be."""
    if not job.path.exists():
        return f"{job.shown}: 找不到文件"
    try:
        return convert(read_document(job.path, job.shown), job.options)
    except SourceError as e:
        return str(e)
    except Exception as e:  # a file this importer has not met: one message, no traceback
        return f"{job.shown}: 无法导入（程序内部错误 {type(e).__name__}: {e}）；请把这个文件报告给 nianbao 的维护者"


def run_all(
    jobs: list[Job], workers: int, progress: Callable[[int, int], None]
) -> list[Converted | str]:
    if workers <= 1 or len(jobs) <= 1:
        results = []
        for i, job in enumerate(jobs, start=1):
            results.append(convert_one(job))
            progress(i, len(jobs))
        return results
    ctx = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
    with ctx.Pool(workers) as pool:
        results = []
        for i, result in enumerate(pool.imap(convert_one, jobs), start=1):
            results.append(result)
            progress(i, len(jobs))
        return results


def import_reports(
    paths: list[Path],
    content: Path,
    options: Options,
    *,
    force: bool = False,
    dry_run: bool = False,
    jobs: int | None = None,
    out: TextIO | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> int:
    """Import every report file; returns the number of files that failed."""
    out = out or sys.stdout
    files = list(report_files(paths))
    if not files:
        print("nianbao import: 没有找到可导入的年报文件（" + "、".join(EXTENSIONS) + "）", file=out)
        return 1
    work = [Job(path, shown, options) for path, shown in files]
    cores = os.cpu_count() or 1
    results = run_all(work, min(jobs or cores, cores), progress)  # as build: at most the cores
    failed = 0
    taken: dict[tuple[str, int], str] = {}
    for result in results:
        if isinstance(result, str):
            print(f"{result}", file=out)
            failed += 1
            continue
        place = (result.slug, result.year)
        if place in taken:
            print(
                f"{result.source}: 与 {taken[place]} 是同一机构同一年度（{result.slug}/{result.year}），未导入",
                file=out,
            )
            failed += 1
            continue
        taken[place] = result.source
        message = _write(result, content, force, dry_run, out)
        if message:
            print(message, file=out)
            failed += 1
    return failed


def _write(c: Converted, content: Path, force: bool, dry_run: bool, out: TextIO) -> str:
    agency_dir = content / c.slug
    target = agency_dir / str(c.year)
    shown_target = f"{content.as_posix().rstrip('/')}/{c.slug}/{c.year}"
    if target.exists() and not force:
        return f"{c.source}: {shown_target}/ 已存在，未覆盖（确要覆盖请加 --force）"
    if not dry_run:
        try:
            _commit(c, agency_dir, target)
            write_schemas(content.parent / "schemas")  # what report.yaml's $schema line names
        except OSError as e:
            return f"{c.source}: 无法写入 {shown_target}/（{e.strerror}），未导入"
    made = "（由名称生成，可用 --agency 指定）" if c.slug_made else ""
    verb = "将写入" if dry_run else "已导入"
    print(
        f"{c.source} → {shown_target}/ {verb}：{c.name} {c.year} 年度，{c.format.name}；机构目录 {c.slug}{made}",
        file=out,
    )
    if dry_run:
        names = sorted(c.files)
        if not (agency_dir / "agency.yaml").exists():
            names = ["../agency.yaml", *names]
        for name in names:
            print(f"  {name}", file=out)
    _summary(c, out)
    if not dry_run:
        for problem in _validate(agency_dir, content, c):
            print("  " + problem.format(), file=out)
    return ""


def _commit(c: Converted, agency_dir: Path, target: Path) -> None:
    """The year folder is made beside its place and renamed into it: all or nothing (an
    agency folder made for it goes again if it fails)."""
    created = not agency_dir.exists()
    agency_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".import-{c.year}-", dir=agency_dir))
    try:
        for name, text in c.files.items():
            (staging / name).write_text(text, encoding="utf-8")
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".replaced-{c.year}-", dir=agency_dir))
            target.rename(old / "old")
            staging.rename(target)
            shutil.rmtree(old)
        else:
            staging.rename(target)
        agency_yaml = agency_dir / "agency.yaml"
        if not agency_yaml.exists():
            agency_yaml.write_text(c.agency_yaml, encoding="utf-8")
    except OSError:
        if created:
            shutil.rmtree(agency_dir, ignore_errors=True)
        raise
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _summary(c: Converted, out: TextIO) -> None:
    if c.settled:
        print(f"  空白格 {c.settled} 个由表内合计确定为 0", file=out)
    if c.flags:
        print(f"  {len(c.flags)} 个格写作“{PLACEHOLDER}”，请对照原文填写：", file=out)
    for flag in c.flags:
        print(f"  待填 {flag.describe()}", file=out)
    for flag in c.unplaced:
        print(f"  未导入 {flag.describe()}", file=out)


def _validate(agency_dir: Path, content: Path, c: Converted) -> list[Problem]:
    """The checks ``nianbao check`` runs, on what was just written: a report published with
    numbers that do not add up is imported as published, and said so here."""
    problems: list[Problem] = []
    shown = f"{content.as_posix().rstrip('/')}/{c.slug}"
    agency = load_agency(agency_dir, shown, problems)
    if agency is not None:
        problems.extend(validate_agency(agency))
    mine = f"{shown}/{c.year}/"
    return [p for p in sort_problems(problems) if p.path.startswith(mine)]
