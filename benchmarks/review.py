"""What the review checks (R1–R7) add to a cold build: this branch against a baseline
checkout without them, run alternately on the same synthetic portal.

    git archive main | tar -x -C /tmp/nianbao-main      # the baseline's source
    git archive HEAD | tar -x -C /tmp/nianbao-review    # this branch, frozen while it runs
    python benchmarks/review.py --baseline /tmp/nianbao-main --ours /tmp/nianbao-review

The machine may be shared: the two are measured turn about (baseline, branch, baseline, …)
so both see the same load, and the medians are compared. Prints figures; asserts nothing
but that the builds ran.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from synth import generate  # noqa: E402

YEARS = 7


def _package_dir(source: Path, tmp: Path) -> Path:
    """A folder holding ``nianbao`` → the checkout's generator/, for PYTHONPATH."""
    holder = tmp / f"path-{source.name}"
    holder.mkdir()
    (holder / "nianbao").symlink_to(source / "generator")
    return holder


def cold_build(pythonpath: Path, portal: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the build and its workers)."""
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(pythonpath))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "nianbao", "build", "--content", str(portal), "--out", str(out)],
        cwd=portal.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(
            f"build failed ({pythonpath}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="checkout without review")
    parser.add_argument(
        "--ours", type=Path, default=ROOT, help="checkout with review (default: here)"
    )
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        portal = tmp / "content"
        count = generate(portal, max(1, args.reports // YEARS), YEARS)
        base_path = _package_dir(args.baseline.resolve(), tmp)
        ours_path = _package_dir(args.ours.resolve(), tmp)
        base, ours = [], []
        for _ in range(args.repeat):
            base.append(cold_build(base_path, portal, tmp / "site-base"))
            ours.append(cold_build(ours_path, portal, tmp / "site-ours"))
        print(f"{count} 份年报，冷构建（{args.repeat} 次中位数，两者交替运行）：")
        for i, what in ((0, "耗时"), (1, "CPU 时间（含工作进程）")):
            b = statistics.median(x[i] for x in base)
            o = statistics.median(x[i] for x in ours)
            print(
                f"  {what}：基线（无审查）{b:.2f} 秒，含审查 R1–R7 {o:.2f} 秒，增加 {(o - b) / b:+.1%}"
            )
        print("  要求：增加 ≤ 15%。机器由多个任务共用时耗时波动大，CPU 时间较稳定。")


if __name__ == "__main__":
    main()
