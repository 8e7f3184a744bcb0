"""Benchmark ``nianbao import`` on a folder of report files.

    python benchmarks/import_bench.py                          # the real reports of tests/fixtures, ×4
    python benchmarks/import_bench.py FOLDER [--copies N] [--jobs N]

Copies the folder's report files ``--copies`` times into a scratch archive (so a batch
keeps every core busy), runs the real command line in a fresh process, and prints the
wall time per report and per PDF page, plus the CPU time per PDF page of one report read
alone (what a page costs, whatever else the machine runs). Target: ≤ 1 s per PDF page on
2 cores. Not a test: it asserts nothing but that the import succeeds.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "tests" / "fixtures" / "real-reports"
SUFFIXES = {".pdf", ".txt", ".md", ".docx", ".doc", ".html", ".htm"}


def pdf_pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    files = sorted(
        p
        for p in args.folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and p.name != "README.md"
        and "content" not in p.relative_to(args.folder).parts  # transcriptions, not reports
    )
    pdfs = [p for p in files if p.suffix.lower() == ".pdf"]
    pages = sum(pdf_pages(p) for p in pdfs)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive"
        for copy in range(args.copies):
            for i, f in enumerate(files):
                # one agency per copy and file, so no two files claim the same folder
                target = archive / f"copy{copy}" / f"{i:03d}{f.suffix}"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(f, target)
        reports = len(files) * args.copies
        total_pages = pages * args.copies
        content = Path(tmp) / "content"
        command = [sys.executable, "-m", "nianbao", "import", str(archive)]
        # --dry-run: copies name the same agency and year, so only the first could be
        # written; every file is still read, mapped and checked, which is the cost measured
        command += ["--content", str(content), "--jobs", str(args.jobs), "--dry-run"]
        start = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        imported = done.stdout.count(" 将写入：") + done.stdout.count("是同一机构同一年度")
    print(
        f"{reports} 份年报（其中 PDF {len(pdfs) * args.copies} 份，共 {total_pages} 页），--jobs {args.jobs}"
    )
    print(f"读入 {imported} 份，用时 {seconds:.2f} 秒（CPU {cpu:.2f} 秒）")
    print(f"每份年报 {seconds / reports:.3f} 秒")
    if total_pages:
        print(
            f"每页 PDF {seconds / total_pages:.3f} 秒（墙钟，批量），CPU {cpu / total_pages:.3f} 秒/页"
        )
    if pdfs:
        one = pdfs[0]
        start = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                [sys.executable, "-m", "nianbao", "import", str(one), "--content", tmp],
                capture_output=True,
                check=False,
            )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_one = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        wall_one = time.perf_counter() - start
        n = pdf_pages(one)
        print(
            f"单份 PDF {one.name}（{n} 页）：{wall_one:.2f} 秒，CPU {cpu_one:.2f} 秒，"
            f"{cpu_one / n:.3f} 秒/页（含启动）"
        )


if __name__ == "__main__":
    main()
