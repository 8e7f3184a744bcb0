"""What a build loads that it does not use costs every command: the modules made lazy for a
one-edit build stay unloaded until a command needs them. Each build runs the CLI in a
fresh interpreter (a subprocess) that lists the modules it ended with: in this test
process they are all loaded already."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import nianbao
from nianbao.exports.layout import _cell_ids, cell_fields
from nianbao.formats import format_ids

PROBE = """
import contextlib, io, sys
{before}
from nianbao.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        code = main(sys.argv[1:])
    except SystemExit as e:
        code = e.code
print(code, sorted(sys.modules))
print(out.getvalue())
"""

# Loaded only by what uses them: the year files' writers (a year file written), pickle and
# zipfile with them, multiprocessing (a pool made), shutil with bz2 and lzma (a folder
# removed), tempfile (a folder staged), secrets (never).
WRITERS = ["nianbao.exports.workbook", "nianbao.exports.book_pieces"]
WRITERS += ["nianbao.exports.piece_records", "zipfile"]
POOLS = ["multiprocessing", "multiprocessing.pool", "socket", "selectors", "secrets"]
# Loaded only when a template fails (render.located): the fault's locator and traceback,
# with textwrap.
TEMPLATE_FAULTS = ["nianbao.templatefaults", "traceback", "textwrap"]
# ... and these Jinja loads too: absent from a build that renders nothing
WITHOUT_JINJA = ["shutil", "bz2", "lzma", "tempfile", "pickle", "hashlib"]


def loaded(*args: str | Path, before: str = "") -> tuple[str, set[str], str]:
    """The CLI run with ``args`` in a new interpreter: its exit code, the modules it had
    loaded at the end, and what it printed."""
    run = subprocess.run(
        [sys.executable, "-c", PROBE.format(before=before), *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
    )
    first, _, printed = run.stdout.partition("\n")
    code, _, modules = first.partition(" ")
    return code, set(eval(modules)), printed  # a list of names, printed by the probe


def test_a_narrative_edit_loads_no_writer_and_no_pool(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    with (portal / "demo-bureau/2021/overview.md").open("a", encoding="utf-8") as f:
        f.write("\n补充说明一句。\n")
    code, modules, _ = loaded("build", "--content", portal, "--out", out)
    assert code == "0"
    assert "jinja2" in modules  # the page is rendered: the probe can tell
    assert modules & {*WRITERS, *POOLS, *TEMPLATE_FAULTS} == set()
    assert "补充说明一句。" in (out / "demo-bureau/2021/index.html").read_text("utf-8")


def test_a_build_that_changed_nothing_loads_none_of_them(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    code, modules, printed = loaded("build", "--content", portal, "--out", out)
    assert code == "0" and printed.startswith("已生成 54 个文件（5 份年报）")
    assert "nianbao.sitepages" in modules  # the probe can tell
    assert modules & {*WRITERS, *POOLS, *WITHOUT_JINJA} == set()


def test_help_loads_none_of_them() -> None:
    code, modules, printed = loaded("--help")
    assert code == "0" and "nianbao" in printed and "build" in printed
    assert modules & {*WRITERS, *POOLS, *WITHOUT_JINJA} == set()


def test_the_help_is_as_wide_as_argparse_makes_it() -> None:
    """The help's width is found without shutil, the same way: $COLUMNS first."""
    for columns in ("60", "120"):
        probe = f"import os; os.environ['COLUMNS'] = '{columns}'"
        _, _, ours = loaded("build", "--help", before=probe)
        plain = subprocess.run(
            [sys.executable, "-c", _PLAIN_HELP, columns], capture_output=True, text=True
        )
        assert ours.strip() and ours.strip() == plain.stdout.strip()


# the same parser laid out by argparse's own HelpFormatter (which asks shutil for the width)
_PLAIN_HELP = """
import argparse, os, sys
os.environ["COLUMNS"] = sys.argv[1]
from nianbao import cli
cli._Parser = argparse.ArgumentParser
try:
    cli._parser().parse_args(["build", "--help"])
except SystemExit:
    pass
"""


def test_a_scan_in_workers_forks_them_without_multiprocessing(portal: Path, tmp_path: Path) -> None:
    """The content scan forks its workers itself (forks.Forked); this portal is small, so
    the probe lowers the size from which the scan is split."""
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    with (portal / "demo-bureau/2021/overview.md").open("a", encoding="utf-8") as f:
        f.write("\n补充说明一句。\n")
    split = "import nianbao.sources; nianbao.sources.PARALLEL_SCAN_FROM = 1"
    split += "; import os; os.cpu_count = lambda: 2"  # --jobs is held to the cores
    code, modules, printed = loaded(
        "build", "--content", portal, "--out", out, "--jobs", "2", before=split
    )
    assert code == "0" and "，更新 " in printed
    assert "nianbao.forks" in modules and "multiprocessing" not in modules
    assert "补充说明一句。" in (out / "demo-bureau/2021/index.html").read_text("utf-8")


def test_the_cell_ids_of_a_light_record_are_those_of_the_data_files() -> None:
    for format_id in format_ids():
        assert _cell_ids(format_id) == tuple(f.id for f in cell_fields(format_id))
