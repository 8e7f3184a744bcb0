"""`build` and `check`, run as the program, end without the interpreter's teardown
(cli._end_now): the exit codes, the output and the lock must be what they always were."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import edit, nianbao


def program(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`nianbao ARGS` as its own process (``python -m nianbao``), output piped and buffered
    as a user's would be (so that output not flushed before the end would be lost)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-m", "nianbao", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_exit_codes_and_output_are_those_of_the_function(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    built = program("build", "--content", portal, "--out", out)
    assert built.returncode == 0
    assert built.stdout.startswith("已生成 54 个文件（5 份年报）")
    assert built.stdout.endswith(f"→ {out}/\n")
    checked = program("check", "--content", portal)
    assert (checked.returncode, checked.stdout) == (0, "检查通过：5 份年报，没有发现问题。\n")

    edit(portal / "site.yaml", "base_url: /", "base_url: xxgk")
    for args in (("build", "--content", portal, "--out", out), ("check", "--content", portal)):
        run, same = program(*args), nianbao(*args)
        assert run.returncode == same.code == 1
        assert run.stdout == same.out  # every line, in order, flushed before the end
        assert "base_url 应以“/”开头" in run.stdout

    missing = program("build", "--content", tmp_path / "nowhere", "--out", out)
    assert missing.returncode == 2
    assert "找不到内容目录" in missing.stderr


def test_the_lock_is_released_and_the_site_complete(portal: Path, tmp_path: Path) -> None:
    """A build that ended at once leaves the output as a slower end did: the next build
    takes the lock without waiting and finds nothing to redo."""
    out = tmp_path / "site"
    assert program("build", "--content", portal, "--out", out).returncode == 0
    again = program("build", "--content", portal, "--out", out)
    assert again.returncode == 0
    assert "正在生成" not in again.stdout + again.stderr  # nobody held the lock
    assert again.stdout.startswith("已生成 54 个文件（5 份年报）")
    assert (out / "index.html").is_file()
