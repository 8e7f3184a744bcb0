"""How nianbao grows with the portal: time, CPU and peak memory per report at several sizes.

    python benchmarks/scale.py /tmp/s/p10k /tmp/scale/p30k          # portals made by synth.py
    python benchmarks/scale.py --sizes 10000 30000 --keep /tmp/scale  # generate them first
    python benchmarks/scale.py /tmp/s/p10k --phases                  # and where the parent's time goes
    python benchmarks/scale.py /tmp/scale/p100k --no-check --edits   # cold, then one edit of each kind
    python benchmarks/scale.py P --no-build --phases --keep-site --out O  # keep O for `nianbao build`

For each portal it runs `nianbao check --jobs N` (no output) and a cold `nianbao build
--jobs N`, each in a fresh process, and prints wall time, CPU (user + system of the whole
process tree, workers included), peak memory of the tree (sampled from /proc: resident sizes summed, and
proportional sizes summed, which count a page shared by forked workers once) and
the same per 1,000 reports, so a figure that grows faster than the portal stands out.
With --edits, after the cold build, one narrative edit and one value edit (of
agency-00003/2022, put back afterwards) are each built as a whole command, as a user
runs it. With --phases the build runs once more, instrumented: the phases of the parent process
(the agency phase, gathering the records, the copying check across agencies, the pages
about many agencies, the per-year data files, the manifest, the swap) with their wall time,
CPU and the parent's peak memory after each. The machine may be shared: compare CPU, not
wall time. Not a test: it asserts nothing but that the commands succeed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from installed import compile_package  # noqa: E402
from run import PeakMemory, edit_one_narrative, edit_one_report  # noqa: E402
from synth import generate  # noqa: E402

YEARS = 7

# Functions of the build's modules (nianbao.<module>), as the cold build calls them, whose
# time and memory --phases reports.
PHASES = [
    ("build", "_look", "content scan (start)"),
    ("sources", "Scanning.result", "content scan (wait)"),
    ("build", "_previous", "output survey"),
    ("build", "site_settings", "site settings"),
    ("coldbuild", "map_agencies", "agency phase (workers)"),
    ("sitepages", "in_order", "records → agency list"),
    ("coldbuild", "agencies_compared", "agency list + R7 (copying)"),
    ("sitepages", "years_of", "region years"),
    ("sitepages", "year_model", "year models (digests, totals)"),
    ("sitepages", "_trend_figures", "home page trend"),
    ("yearrows", "year_page_kept", "year pages (data, rows)"),
    ("sitepages", "year_files", "year data files (listing)"),
    ("sitepages", "YearFiles", "year data files (pool start)"),
    ("sitepages", "feed", "feed"),
    ("sitepages", "feed_text", "feed digest"),
    ("sitepages", "_sitemap", "sitemap"),
    ("coldbuild", "site_pages", "pages about many agencies (all)"),
    ("coldbuild", "write_manifest", "manifest write"),
    ("outdir", "begin", "journal begin"),
    ("coldbuild", "swap_in", "swap in"),
    ("outdir", "finish", "journal finish"),
    ("problems", "sort_problems", "sort problems"),  # as Problems (the Result's) sorts them
]


def _cpu() -> float:
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


PSS = [0]  # the last measured command's peak proportional memory of the tree (PeakMemory)


def measured(cmd: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds of the tree, peak tree memory (bytes) and output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    memory = PeakMemory(proc.pid)
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    peak = memory.stop()
    PSS[0] = memory.peak_pss
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):  # 1: warnings with --strict are not asked for
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out}")
    return wall, cpu, peak, out


def edited(
    portal: Path, edit: Callable[[Path, int], None], cmd: list[str]
) -> tuple[float, float, int]:
    """Wall, CPU and peak memory of ``cmd`` after ``edit``; the content is put back after."""
    files = [portal / "agency-00003" / "2022" / name for name in ("report.yaml", "overview.md")]
    before = {path: path.read_bytes() for path in files}
    try:
        edit(portal, 1)
        wall, cpu, peak, _ = measured(cmd)
    finally:
        for path, data in before.items():
            path.write_bytes(data)
    return wall, cpu, peak


def reports_in(portal: Path) -> int:
    return sum(1 for _ in portal.glob("*/*/report.yaml"))


def phases(
    portal: Path, out: Path, jobs: int
) -> tuple[float, float, int, list[tuple[str, float, float, int]]]:
    """Run a cold build in a fresh process with the parent's phases timed: wall, CPU and
    peak memory of the tree, and the phases."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, __file__, "--driver", str(portal), str(out), str(jobs)]
    wall, cpu, peak, text = measured(cmd)
    rows = [tuple(row) for row in json.loads(text.splitlines()[-1])]
    return wall, cpu, peak, rows  # type: ignore[return-value]


def phase_owner(module: str, name: str) -> tuple[object, str]:
    """The module or class holding a phase's function (``Class.method`` names a method)
    and the attribute to wrap; a function renamed since raises AttributeError."""
    owner: object = importlib.import_module(f"nianbao.{module}")
    *classes, attribute = name.split(".")
    for cls in classes:
        owner = getattr(owner, cls)
    if not callable(getattr(owner, attribute)):
        raise AttributeError(f"nianbao.{module}.{name} is not a function")
    return owner, attribute


def _driver(portal: str, out: str, jobs: int) -> None:
    """Inside the instrumented process: wrap the phases, build, print them as JSON."""
    import nianbao.build as b

    totals: dict[str, list[float]] = {}
    peaks: dict[str, int] = {}

    def wrap(label: str, f):  # type: ignore[no-untyped-def]
        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            wall, cpu = time.perf_counter(), _cpu()
            try:
                return f(*args, **kwargs)
            finally:
                row = totals.setdefault(label, [0.0, 0.0])
                row[0] += time.perf_counter() - wall
                row[1] += _cpu() - cpu
                peaks[label] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

        return timed

    for module, name, label in PHASES:
        owner, attribute = phase_owner(module, name)
        setattr(owner, attribute, wrap(label, getattr(owner, attribute)))
    start, cpu = time.perf_counter(), _cpu()
    # as `nianbao build --content PORTAL --out OUT` (cli.py) calls it, from ROOT: the same
    # build key, so a later `nianbao build` of this site (--keep-site) is a warm one
    result = b.build(Path(portal), Path("templates"), Path(out), portal, jobs, out_shown=out)
    assert not result.errors, result.errors[:3]
    totals["whole build()"] = [time.perf_counter() - start, _cpu() - cpu]
    peaks["whole build()"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rows = [(label, *totals[label], peaks[label]) for label in totals]
    print(json.dumps(rows))


def _line(name: str, wall: float, cpu: float, peak: int, n: int) -> None:
    print(
        f"  {name:<14} {wall:7.1f} s wall {cpu:7.1f} s CPU {peak / 2**20:7.0f} MiB peak RSS"
        f" ({PSS[0] / 2**20:.0f} MiB PSS)"
        f" | per 1,000 reports: {wall / n * 1000:5.2f} s wall {cpu / n * 1000:5.2f} s CPU"
        f" {peak / 2**20 / n * 1000:5.1f} MiB"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--driver":
        sys.path.insert(0, str(ROOT))
        _driver(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # figures as they come
    parser = argparse.ArgumentParser(description="nianbao at several sizes (prints figures)")
    parser.add_argument("portals", type=Path, nargs="*", help="portals made by synth.py")
    parser.add_argument("--sizes", type=int, nargs="*", default=[], help="reports to generate")
    parser.add_argument("--keep", type=Path, help="generate under this folder and keep")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, help="build into this folder (default: a temp one)")
    parser.add_argument(
        "--keep-site", action="store_true", help="keep the built site (one portal) for later edits"
    )
    parser.add_argument("--phases", action="store_true", help="also time the parent's phases")
    parser.add_argument("--no-check", action="store_true", help="skip `nianbao check`")
    parser.add_argument("--no-build", action="store_true", help="skip the cold build")
    parser.add_argument(
        "--edits", action="store_true", help="after the cold build, build one edit of each kind"
    )
    args = parser.parse_args()
    compile_package()  # as installed (installed.py)
    portals = list(args.portals)
    work = Path(tempfile.mkdtemp(prefix="nianbao-scale-", dir=args.keep))
    for size in args.sizes:
        portal = work / f"p{size}"
        generate(portal, max(1, round(size / YEARS)), YEARS)
        portals.append(portal)
    out = args.out or work / "site"
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; --jobs {args.jobs}")
    for portal in portals:
        n = reports_in(portal)
        print(f"\n{portal}: {n:,} reports")
        runs = []
        if not args.no_check:
            cmd = ["check", "--content", str(portal), "--jobs", str(args.jobs)]
            runs.append(("check", cmd))
        if not args.no_build:
            shutil.rmtree(out, ignore_errors=True)
            cmd = ["build", "--content", str(portal), "--out", str(out), "--jobs", str(args.jobs)]
            runs.append(("build (cold)", cmd))
        for name, cmd in runs:
            wall, cpu, peak, _ = measured([sys.executable, "-m", "nianbao", *cmd])
            _line(name, wall, cpu, peak, n)
        if args.edits and not args.no_build:
            cmd = ["build", "--content", str(portal), "--out", str(out), "--jobs", str(args.jobs)]
            for name, edit in (
                ("narrative edit", edit_one_narrative),
                ("value edit", edit_one_report),
            ):
                wall, cpu, peak = edited(portal, edit, [sys.executable, "-m", "nianbao", *cmd])
                _line(name, wall, cpu, peak, n)
        if args.phases:
            wall, cpu, peak, rows = phases(portal, out, args.jobs)
            _line("build (phases)", wall, cpu, peak, n)
            print(
                f"  {'parent phase':<34} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} {'CPU ms/1k':>10}"
            )
            for label, wall, cpu, peak in rows:
                print(
                    f"  {label:<34} {wall:8.2f} {cpu:8.2f} {peak / 2**20:9.0f}"
                    f" {cpu / n * 1e6:10.0f}"
                )
        if not args.keep_site:
            shutil.rmtree(out, ignore_errors=True)
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
