"""The fixed cost of every ``nianbao build`` on a built site: what a build that changed
nothing spends, step by step.

    python benchmarks/startup.py CONTENT OUT [--repeat 5] [--jobs N] [--edit FILE] [--checkout]

The commands run a copy of this checkout installed by pip, kept in --work (installed.py);
--checkout runs the checkout in place instead.

OUT must hold a site built from CONTENT by this checkout (else the build is cold, which
the script says, and the figures mean nothing). Prints, best of --repeat each: the
interpreter alone; the imports (those before the command line starts the content scan,
and all a build loads); the whole command (a fresh process, imports included) as wall
time and CPU time of the process tree, and with ``--edit`` as a one-edit build; and in
one process, with the CPU clock (worker processes included): the content scan (as a
build makes it, with the folders' listings kept in OUT's cache, and with every folder
listed, as ``check`` makes it), reading the manifest, surveying the output, the whole
startup (scan and survey overlapping as a build runs them), and build() itself. The
floor of this design is the scan and the survey: one ``stat`` per file of the content
and of the output. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from installed import compile_package, install  # noqa: E402
from nianbao import build as build_module  # noqa: E402
from nianbao import manifest, outdir, sources  # noqa: E402


def cpu() -> float:
    """CPU seconds of this process and of its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def best(repeat: int, step: Callable[[], object]) -> tuple[float, float]:
    """The best (wall, CPU) seconds of ``repeat`` runs of ``step``."""
    runs = []
    for _ in range(repeat):
        c, w = cpu(), time.perf_counter()
        step()
        runs.append((time.perf_counter() - w, cpu() - c))
    return min(r[0] for r in runs), min(r[1] for r in runs)


def command(
    args: list[str], repeat: int, prepare: Callable[[], object] | None = None
) -> tuple[float, float]:
    """The best wall and CPU seconds of a fresh process running ``args`` (``prepare``
    before each run, untimed)."""
    runs = []
    for _ in range(repeat):
        if prepare is not None:
            prepare()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        runs.append((time.perf_counter() - w, used))
    return min(r[0] for r in runs), min(r[1] for r in runs)


# what the command line loads before it starts the content scan (cli._scan_early)
START = "import nianbao.cli, nianbao.outdir, nianbao.sources"
EDIT = "\n补充一句。\n"


def toggle(path: Path) -> None:
    """A narrative edit: a sentence added to ``path``, or taken away again."""
    text = path.read_text("utf-8")
    path.write_text(text[: -len(EDIT)] if text.endswith(EDIT) else text + EDIT, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--edit",
        metavar="FILE",
        help="a Markdown file under CONTENT: the whole command is timed again as a "
        "one-edit build (a line added to FILE, or taken away again, before each run)",
    )
    parser.add_argument(
        "--checkout",
        action="store_true",
        help="run the checkout in place (editable install) instead of a copy installed by pip",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=ROOT / "benchmarks" / "out",
        help="where the copy installed by pip is kept (default benchmarks/out/)",
    )
    a = parser.parse_args()
    compile_package()  # the checkout as installed would be: its functions are timed below
    if a.checkout:
        python, nianbao = [sys.executable], [sys.executable, "-m", "nianbao"]
    else:  # the commands as a user's copy runs them (installed.py)
        commands = install(a.work)
        python, nianbao = [str(commands / "python")], [str(commands / "nianbao")]
    print(f"nianbao: {'the checkout, in place' if a.checkout else 'a copy installed by pip'}")
    content, out = a.content.resolve(), a.out.resolve()
    os.chdir(ROOT)  # as the command runs: templates/ (if any) read from here
    build = [*nianbao, "build", "--content", str(content)]
    build += ["--out", str(out), "--jobs", str(a.jobs)]
    first = subprocess.run(build, check=True, capture_output=True, text=True, cwd=ROOT)
    if "，更新 " not in first.stdout.splitlines()[-1]:
        print("OUT was built from scratch just now: run again for the figures", file=sys.stderr)
    figures = [
        ("interpreter alone", command([*python, "-c", "pass"], a.repeat)),
        (
            "imports before the scan starts (cli, outdir, sources)",
            command([*python, "-c", START], a.repeat),
        ),
        (
            "imports of a build (cli, commands)",
            command([*python, "-c", "import nianbao.cli, nianbao.commands"], a.repeat),
        ),
        ("whole command", command(build, a.repeat)),
    ]
    if a.edit:
        edited = content / a.edit
        figures.append(
            ("whole command, one edit", command(build, a.repeat, lambda: toggle(edited)))
        )
    target = outdir.target(out)
    state = target.state
    written = manifest.read(state)
    files = written.files if written is not None else None
    figures += [
        # as a build scans (the folders' listings kept in OUT's cache), and as `check` does
        ("content scan", best(a.repeat, lambda: sources.scan(content, a.jobs, state))),
        (
            "content scan, every folder listed",
            best(a.repeat, lambda: sources.scan(content, a.jobs)),
        ),
        ("manifest read", best(a.repeat, lambda: manifest.read(state))),
        (
            "output survey, by the folders' times",
            best(a.repeat, lambda: outdir.survey(target, files, None)),
        ),
        (
            "output survey, every file (no record of the folders)",
            best(a.repeat, lambda: outdir.survey(target, files, set())),
        ),
    ]

    def startup() -> None:
        scanning = build_module._look(content, None, a.jobs, state)
        try:
            build_module._previous(target, None, False)
            scanning.result()
        finally:
            scanning.close()

    figures.append(
        ("startup: scan + manifest + survey, as build runs them", best(a.repeat, startup))
    )

    def in_process() -> None:
        with outdir.hold(target, "build", print):
            build_module.build(content, Path("templates"), out, str(content), a.jobs)

    figures.append(("build() in this process", best(a.repeat, in_process)))
    print(f"{'step':<56} {'wall ms':>8} {'CPU ms':>8}")
    for name, (wall, used) in figures:
        print(f"{name:<56} {wall * 1000:>8.0f} {used * 1000:>8.0f}")


if __name__ == "__main__":
    main()
