"""Issue 11 for ``serve``: branch switches while it runs end in the right pages, a replaced
content/ is still watched, and it shares its output with no other build."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import PORTAL, ROOT, edit, nianbao
from test_build import tree
from test_serve import free_port, get, wait_for


def command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "nianbao", *map(str, args)]


@contextmanager
def serving(content: Path, out: Path, log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("w", encoding="utf-8") as f:
        proc = subprocess.Popen(
            command("serve", "--content", content, "--out", out, "--port", str(port)),
            cwd=ROOT,
            stdout=f,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        base = f"http://127.0.0.1:{port}/"
        try:
            assert wait_for(lambda: "示例市" in get(base), 30), log.read_text("utf-8")
            yield base
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=测试", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_branch_switches_while_serving_end_in_a_clean_build(tmp_path: Path) -> None:
    """One branch edits 6 agencies, removes 2 and adds 2; switching back and forth 12 times
    with 0–0.3 s pauses must leave the pages of the branch checked out last."""
    repo = tmp_path / "repo"
    content = repo / "content"
    shutil.copytree(PORTAL, content)
    for i in range(8):
        for slug in ("demo-bureau", "town-a"):
            shutil.copytree(PORTAL / slug, content / f"{slug}-{i}")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "main")
    git(repo, "checkout", "-q", "-b", "other")
    for i in range(6):
        with (content / f"demo-bureau-{i}/2021/overview.md").open("a", encoding="utf-8") as f:
            f.write("\n另一分支的文字。\n")
    for i in (6, 7):
        shutil.rmtree(content / f"town-a-{i}")
        shutil.copytree(PORTAL / "town-a", content / f"town-new-{i}")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "other")
    out = tmp_path / "site"
    rng = random.Random(7)
    with serving(content, out, tmp_path / "serve.log"):
        branch = "other"
        for _ in range(12):
            branch = "main" if branch == "other" else "other"
            git(repo, "checkout", "-q", branch)
            time.sleep(rng.uniform(0, 0.3))
        expected = tree(_clean(content, tmp_path))
        settled = wait_for(lambda: out.is_dir() and tree(out) == expected, 60)
        log = (tmp_path / "serve.log").read_text("utf-8")
        assert settled, log
    assert "Traceback" not in log


def _clean(content: Path, tmp: Path) -> Path:
    out = tmp / "clean-build"
    shutil.rmtree(out, ignore_errors=True)
    assert nianbao("build", "--content", content, "--out", out).code == 0
    return out


def test_a_replaced_content_folder_is_still_watched(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    with serving(portal, out, tmp_path / "serve.log") as base:
        page = base + "town-a/2022/index.html"
        portal.rename(tmp_path / "content-old")
        shutil.copytree(tmp_path / "content-old", portal)
        time.sleep(0.5)
        edit(portal / "town-a/2022/report.yaml", "licensing: 5", "licensing: 4321")
        assert wait_for(lambda: ">4321</td>" in get(page), 20), (tmp_path / "serve.log").read_text(
            "utf-8"
        )


def test_a_build_into_a_served_folder_is_refused(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    with serving(portal, out, tmp_path / "serve.log"):
        before = tree(out)
        run = subprocess.run(
            command("build", "--content", portal, "--out", out),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 2
        assert run.stderr.startswith("nianbao: 错误: 另一个 nianbao serve（进程 ")
        assert run.stderr.endswith(
            f"）正在使用输出目录 {out}/；请先停止它，或用 --out 另选一个目录\n"
        )
        assert tree(out) == before


def test_serve_refuses_a_foreign_output(tmp_path: Path) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    (out / "notes.txt").write_text("notes\n")
    run = subprocess.run(
        command("serve", "--content", PORTAL, "--out", out, "--port", str(free_port())),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "不是空目录，也没有 nianbao 生成它的记录（其中有“notes.txt”）" in run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
