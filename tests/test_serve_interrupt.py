"""Ctrl-C while `serve` is rebuilding: once, the rebuild is finished and the preview stops
(exit 0); twice, it stops at once (已中断, exit 130). Either way no traceback, and the next
`build` into the same folder finds the output nianbao's and makes it whole.

The serve process runs with agency loading patched to hold a rebuild (not the first build)
at a gate the test opens, so that the signals arrive while the rebuild is under way."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PORTAL, ROOT, nianbao
from test_serve import free_port, wait_for

HELD = """
import os, sys, threading, time
from pathlib import Path
import nianbao.agencywork as work
from nianbao.cli import main
gate, real = Path(sys.argv.pop(1)), work.load_and_check
def held(folder, shown):
    if threading.current_thread() is not threading.main_thread():  # a rebuild
        print("REBUILDING", flush=True)
        while not gate.exists():
            time.sleep(0.05)
    return real(folder, shown)
work.load_and_check = held
sys.exit(main(sys.argv[1:]))
"""

NARRATIVE = "town-a/2022/overview.md"
ADDED = "按下 Ctrl-C 时正在生成的一句话。"


class Serving:
    """A `serve` process, its output as it comes, and the gate its rebuilds wait at."""

    def __init__(self, content: Path, out: Path, gate: Path, log: Path) -> None:
        self.gate, self.log = gate, log
        self._written = log.open("w", encoding="utf-8")
        command = [sys.executable, "-c", HELD, str(gate), "serve", "--content", str(content)]
        self.proc = subprocess.Popen(
            [*command, "--out", str(out), "--port", str(free_port())],
            cwd=ROOT,
            stdout=self._written,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,  # Ctrl-C reaches it alone, and is not ignored
        )

    def said(self, text: str) -> bool:
        return text in self.log.read_text("utf-8")

    def close(self) -> None:
        self.gate.touch()
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._written.close()

    def ended(self, seconds: float) -> int | None:
        try:
            return self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return None


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[Serving]:
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    run = Serving(content, tmp_path / "site", tmp_path / "gate", tmp_path / "serve.log")
    try:
        assert wait_for(lambda: run.said("预览地址"), 60), run.log.read_text("utf-8")
        narrative = content / NARRATIVE
        narrative.write_text(narrative.read_text("utf-8") + f"\n{ADDED}\n", "utf-8")
        assert wait_for(lambda: run.said("REBUILDING"), 30), run.log.read_text("utf-8")
        yield run
    finally:
        run.close()


def _page(out: Path) -> str:
    return (out / "town-a" / "2022" / "index.html").read_text("utf-8")


def test_ctrl_c_during_a_rebuild_finishes_it_then_stops(serving: Serving, tmp_path: Path) -> None:
    serving.proc.send_signal(signal.SIGINT)
    assert wait_for(lambda: serving.said("正在完成本次生成……"), 10)
    time.sleep(0.3)  # still held: the rebuild is not given up
    assert serving.proc.poll() is None
    serving.gate.touch()
    assert serving.ended(30) == 0
    log = serving.log.read_text("utf-8")
    assert "Traceback" not in log
    finishing = log.splitlines()[-3:]
    assert finishing[0] == "正在完成本次生成……"
    assert finishing[1].startswith("已更新 ")
    assert finishing[2] == "已停止预览。"
    out = tmp_path / "site"
    assert ADDED in _page(out)  # the rebuild was finished, not cut short
    run = nianbao("build", "--content", tmp_path / "content", "--out", out, "--verify")
    assert run.code == 0, run.err
    assert run.lines[-1].startswith("已生成 54 个文件（5 份年报），更新 0 个，")


def test_ctrl_c_twice_during_a_rebuild_stops_at_once(serving: Serving, tmp_path: Path) -> None:
    serving.proc.send_signal(signal.SIGINT)
    assert wait_for(lambda: serving.said("正在完成本次生成……"), 10)
    serving.proc.send_signal(signal.SIGINT)
    assert serving.ended(10) == 130  # the gate stays shut: the rebuild is not waited for
    log = serving.log.read_text("utf-8")
    assert "Traceback" not in log
    assert log.endswith("正在完成本次生成……\n\n已中断。\n")
    out = tmp_path / "site"
    assert ADDED not in _page(out)
    # the output is still known as nianbao's: the next build brings it up to date
    run = nianbao("build", "--content", tmp_path / "content", "--out", out)
    assert run.code == 0, run.err
    assert ADDED in _page(out)
    again = nianbao("build", "--content", tmp_path / "content", "--out", out, "--verify")
    assert again.lines[-1].startswith("已生成 54 个文件（5 份年报），更新 0 个，")
