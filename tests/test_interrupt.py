"""Issue 11: correctness never depends on a build having finished.

A build interrupted anywhere (Ctrl-C or kill, while pages are written, between the swap and
the manifest, …), then the edit undone, then a build: the output equals a clean build. The
same holds over a seeded random sequence of edits, undos, hand damage to the output,
interruptions and builds."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import PORTAL, ROOT, edit, nianbao, replace_by_hand
from nianbao import coldbuild, outdir, warmbuild
from nianbao.write import Writer
from test_build import tree


def clean_build(content: Path, tmp: Path) -> dict[str, str]:
    out = tmp / "clean-build"
    shutil.rmtree(out, ignore_errors=True)
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 0, run.out
    return tree(out)


def edit_every_narrative(content: Path, text: str) -> None:
    for md in sorted(content.glob("*/*/overview.md")):
        with md.open("a", encoding="utf-8") as f:
            f.write(f"\n{text}\n")


def restore(content: Path, pristine: Path) -> None:
    """Undo every edit: the same bytes as before (the times are new, as after an undo)."""
    shutil.rmtree(content)
    shutil.copytree(pristine, content)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C at a chosen point of the build."""


@contextmanager
def interrupt_at(where: str, n: int = 0) -> Iterator[None]:
    """Raise Ctrl-C at the ``n``-th page write, or at a step of the swap and the records."""
    mp = pytest.MonkeyPatch()
    if where in ("before write", "after write"):
        original = Writer.write
        count = [0]

        def write(self: Writer, output: Any) -> None:
            count[0] += 1
            if where == "before write" and count[0] > n:
                raise Interrupted
            original(self, output)
            if where == "after write" and count[0] > n:
                raise Interrupted

        mp.setattr(Writer, "write", write)
    else:
        # the cold build swaps in; both cold and warm builds write the manifest
        modules, name, when = {
            "before swap": ([coldbuild], "swap_in", "before"),
            "after swap": ([coldbuild], "swap_in", "after"),
            "after manifest": ([coldbuild, warmbuild], "write_manifest", "after"),
            "before finish": ([outdir], "finish", "before"),
        }[where]
        for module in modules:
            mp.setattr(module, name, _interrupting(getattr(module, name), when))
    try:
        yield
    finally:
        mp.undo()


def _interrupting(original: Callable[..., Any], when: str) -> Callable[..., Any]:
    def wrapped(*args: Any) -> Any:
        if when == "before":
            raise Interrupted
        original(*args)
        raise Interrupted

    return wrapped


def interrupted_build(content: Path, out: Path, where: str, n: int = 0) -> None:
    with interrupt_at(where, n):
        run = nianbao("build", "--content", content, "--out", out, "--jobs", "1")
    assert run.code == 130, run.out  # 已中断


COLD_POINTS = ["before write", "before swap", "after swap", "after manifest", "before finish"]


@pytest.mark.parametrize("where", COLD_POINTS)
def test_an_interrupted_cold_build_then_undo(tmp_path: Path, where: str) -> None:
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(PORTAL, content)
    assert nianbao("build", "--content", content, "--out", out).code == 0
    edit(content / "site.yaml", "示例市政府信息公开工作年度报告", "示例市年报")  # a cold build
    edit_every_narrative(content, "撤销前的文字。")
    interrupted_build(content, out, where, 3)
    restore(content, PORTAL)
    assert nianbao("build", "--content", content, "--out", out).code == 0
    assert tree(out) == clean_build(content, tmp_path)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []


@pytest.mark.parametrize("where", ["before write", "after write"])
def test_a_warm_build_interrupted_at_every_page_then_undo(tmp_path: Path, where: str) -> None:
    """The issue's case: narratives edited, the build interrupted while it writes pages, the
    edit undone; the next build must not keep the undone text."""
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(PORTAL, content)
    assert nianbao("build", "--content", content, "--out", out).code == 0
    expected = tree(out)
    for n in (0, 4):  # of the five report pages whose narrative changes: first and last
        edit_every_narrative(content, f"撤销前的文字 {n}。")
        interrupted_build(content, out, where, n)
        restore(content, PORTAL)
        run = nianbao("build", "--content", content, "--out", out)
        assert run.code == 0, run.out
        assert tree(out) == expected, (where, n)


# ---------------------------------------------------------------------------------------
# A real process, killed


def bigger_portal(dest: Path, copies: int) -> None:
    """The fixture portal with its agencies copied: enough for worker processes."""
    shutil.copytree(PORTAL, dest)
    for i in range(copies):
        for slug in ("demo-bureau", "town-a"):
            shutil.copytree(PORTAL / slug, dest / f"{slug}-{i}")


@pytest.mark.parametrize(
    ("sig", "steps"), [(signal.SIGKILL, (0, 1)), (signal.SIGINT, (1,))]
)  # step 0 kills a warm build, step 1 a cold one
def test_a_killed_build_then_undo(
    tmp_path: Path, sig: signal.Signals, steps: tuple[int, ...]
) -> None:
    content, out = tmp_path / "content", tmp_path / "site"
    bigger_portal(content, 12)
    pristine = tmp_path / "pristine"
    shutil.copytree(content, pristine)
    expected = clean_build(content, tmp_path)
    rng = random.Random(sig.value)
    for step in steps:
        assert nianbao("build", "--content", content, "--out", out).code == 0
        edit_every_narrative(content, f"撤销前的文字 {step}。")
        if step == 1:  # and a cold build
            edit(content / "site.yaml", "示例市政府信息公开工作年度报告", "示例市年报")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nianbao",
                "build",
                "--content",
                str(content),
                "--out",
                str(out),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        owner = tmp_path / ".nianbao-cache/site/owner"  # written once the build has the lock
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if owner.is_file() and owner.read_text() == f"build {proc.pid}\n":
                break
            time.sleep(0.01)
        time.sleep(rng.random() * 0.8)  # somewhere in loading, rendering or swapping
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        if sig == signal.SIGINT:  # (after SIGKILL, orphaned workers may complain)
            assert "Traceback" not in err, err
        restore(content, pristine)
        run = nianbao("build", "--content", content, "--out", out)
        assert run.code == 0, run.out
        assert tree(out) == expected, step
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []


# ---------------------------------------------------------------------------------------
# Random sequences


def _edit_narrative(c: Path, rng: random.Random) -> None:
    files = sorted(c.glob("*/*/overview.md"))
    if files:
        with rng.choice(files).open("a", encoding="utf-8") as f:
            f.write(f"\n随机补充 {rng.randrange(1000)}。\n")


def _rename_agency(c: Path, rng: random.Random) -> None:
    files = sorted(c.glob("*/agency.yaml"))
    if files:
        path = rng.choice(files)
        text = path.read_text("utf-8").splitlines()
        text[0] = f"name: 随机机构{rng.randrange(1000)}"
        path.write_text("\n".join(text) + "\n", "utf-8")


def _add_agency(c: Path, rng: random.Random) -> None:
    slug = f"town-{rng.randrange(100)}"
    if not (c / slug).exists():
        shutil.copytree(PORTAL / "town-a", c / slug)


def _remove_agency(c: Path, rng: random.Random) -> None:
    slugs = sorted(p for p in c.iterdir() if p.is_dir())
    if len(slugs) > 1:
        shutil.rmtree(rng.choice(slugs))


def _remove_year(c: Path, rng: random.Random) -> None:
    if (c / "demo-bureau/2019").exists():
        shutil.rmtree(c / "demo-bureau/2019")


def _undo(c: Path, rng: random.Random) -> None:
    restore(c, PORTAL)


def _damage_output(out: Path, rng: random.Random) -> None:
    pages = sorted(p for p in out.rglob("*.html")) if out.is_dir() else []
    if pages:
        page = rng.choice(pages)
        if rng.random() < 0.5:
            page.unlink()
        else:
            replace_by_hand(page, "改坏了\n")


EDITS = [_edit_narrative, _rename_agency, _add_agency, _remove_agency, _remove_year, _undo]


def test_random_edits_interruptions_and_builds_equal_a_clean_build(tmp_path: Path) -> None:
    rng = random.Random(11)
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(PORTAL, content)
    for step in range(30):
        roll = rng.random()
        if roll < 0.45:
            rng.choice(EDITS)(content, rng)
        elif roll < 0.55:
            _damage_output(out, rng)
        elif roll < 0.8:
            where = rng.choice(["before write", "after write", *COLD_POINTS[1:]])
            with interrupt_at(where, rng.randrange(8)):
                nianbao("build", "--content", content, "--out", out, "--jobs", "1")
        else:
            run = nianbao("build", "--content", content, "--out", out)
            assert run.code == 0, (step, run.out)
            assert tree(out) == clean_build(content, tmp_path), step
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 0
    assert tree(out) == clean_build(content, tmp_path)
