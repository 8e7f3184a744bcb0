"""CPU time per report in a cold build's agency phase, phase by phase, in one process.

    python benchmarks/report_cpu.py CONTENT [--repeat 3] [--profile FILE]

For every agency of CONTENT (a portal's content folder, e.g. one made by synth.py) it runs
what a cold build's worker runs (agencywork.cold_agency), timing each phase with the process's
CPU clock: load and validate, fingerprints, the report page (Markdown apart), the data
files (data.json and the CSVs), and writing them into a temporary folder. Prints
milliseconds per report, the best of --repeat runs. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao import agencywork, render  # noqa: E402
from nianbao.exports.report_files import report_outputs  # noqa: E402
from nianbao.load import load_site_yaml  # noqa: E402
from nianbao.sources import scan  # noqa: E402
from nianbao.write import Writer  # noqa: E402


class Clock:
    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        start = time.process_time()
        try:
            yield
        finally:
            self.spent[phase] = self.spent.get(phase, 0.0) + time.process_time() - start


def one_run(content: Path) -> tuple[dict[str, float], int]:
    problems: list[Any] = []
    site = load_site_yaml(content, "content", problems)
    assert site is not None, problems
    folders = scan(content, 1).agencies
    renderer = render.Renderer(None)
    clock = Clock()
    # Markdown is timed inside the page: wrap the function the page calls
    plain = render.render_markdown

    def timed_markdown(source: str, doc_id: str = "") -> Any:
        with clock("markdown"):
            return plain(source, doc_id)

    render.render_markdown = timed_markdown  # type: ignore[assignment]
    out = Path(tempfile.mkdtemp(prefix="report-cpu-"))
    reports = 0
    try:
        writer = Writer(out, atomic=False)
        for folder in folders.values():
            with clock("load+validate"):
                agency, found = agencywork.load_and_check(folder, "c")
            assert agency is not None and not any(p.severity == "error" for p in found)
            with clock("fingerprints"):
                agencywork.agency_fingerprints(agency, folder, "k")
            for year in agency.years:
                report = agency.reports[year]
                with clock("page"):
                    page = renderer.report(site, agency, report)
                with clock("data files"):
                    files = report_outputs(agency, report)
                with clock("write"):
                    for output in [page, *files]:
                        writer.write(output)
                reports += 1
            with clock("agency page"):
                agency_page = renderer.agency(site, agency)
            with clock("write"):
                writer.write(agency_page)
    finally:
        render.render_markdown = plain  # type: ignore[assignment]
        shutil.rmtree(out)
    clock.spent["page"] -= clock.spent.get("markdown", 0.0)
    return clock.spent, reports


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("content", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="write a cProfile of one run here")
    args = parser.parse_args()
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(one_run, args.content)
        profiler.dump_stats(args.profile)
    best: dict[str, float] = {}
    reports = 0
    for _ in range(args.repeat):
        spent, reports = one_run(args.content)
        for phase, seconds in spent.items():
            best[phase] = min(best.get(phase, seconds), seconds)
    total = sum(best.values())
    print(f"{reports} reports, CPU ms per report (best of {args.repeat}):")
    phases = ("load+validate", "fingerprints", "page", "markdown", "data files", "write")
    for phase in (*phases, "agency page"):
        print(f"  {phase:14} {1000 * best.get(phase, 0.0) / reports:6.3f}")
    print(f"  {'total':14} {1000 * total / reports:6.3f}")


if __name__ == "__main__":
    main()
