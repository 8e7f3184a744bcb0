"""`nianbao serve` end to end: a real server on a free port, real saves, real HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ROOT, edit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return str(r.read().decode("utf-8"))
    except OSError:
        return ""


def wait_for(check: Callable[[], bool], seconds: float = 10) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def server(portal: Path, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    log = (tmp_path / "serve.log").open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nianbao",
            "serve",
            "--content",
            str(portal),
            "--out",
            str(tmp_path / "site"),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: "示例市" in get(base), 60), "server did not start"
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def test_a_save_is_served(server: tuple[str, subprocess.Popen[str]], portal: Path) -> None:
    base, _ = server
    page = base + "town-a/2022/index.html"
    assert ">5</td>" in get(page)
    edit(portal / "town-a/2022/report.yaml", "licensing: 5", "licensing: 4321")
    assert wait_for(lambda: ">4321</td>" in get(page))


def test_a_broken_save_shows_the_problems_until_fixed(
    server: tuple[str, subprocess.Popen[str]], portal: Path
) -> None:
    base, _ = server
    page = base + "demo-bureau/2021/"
    report = portal / "town-a/2022/report.yaml"
    edit(report, "licensing: 5", "licensing: no")
    assert wait_for(lambda: "有错误，网站未更新" in get(page))
    html = get(page)
    assert (
        "town-a/2022/report.yaml:6:14: 错误: 表二 第二十条第（五）项 行政许可 / 本年处理决定数量"
        in html
    )
    assert "livereload.js" in html  # so the browser reloads once it is fixed
    edit(report, "licensing: no", "licensing: 6")
    assert wait_for(lambda: "<h1>示例市数据局2021年政府信息公开工作年度报告</h1>" in get(page))
    assert ">6</td>" in get(base + "town-a/2022/index.html")


def test_rapid_saves_make_one_rebuild(
    server: tuple[str, subprocess.Popen[str]], portal: Path, tmp_path: Path
) -> None:
    base, proc = server
    report = portal / "town-a/2022/report.yaml"
    for n in range(6, 12):
        edit(report, f"licensing: {n - 1}", f"licensing: {n}")
    assert wait_for(lambda: ">11</td>" in get(base + "town-a/2022/index.html"))
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=10)
    output = (tmp_path / "serve.log").read_text("utf-8")
    rebuilds = [line for line in output.splitlines() if line.startswith("已更新")]
    assert len(rebuilds) == 2, output  # the first build, then one for the six saves
    assert output.rstrip().endswith("已停止预览。")
    assert proc.returncode == 0
