"""No traceback anywhere: Ctrl-C, unreadable folders, broken templates, bad command-line
values and a preview server that cannot listen. Each asserts the exact message and the exit
code, through the real CLI (in-process, or as a process where signals and users matter)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PORTAL, ROOT, edit, nianbao
from test_serve import get, wait_for

# -- Ctrl-C ---------------------------------------------------------------------------------

# Runs the CLI with agency loading patched to press Ctrl-C (SIGINT to the whole process
# group, as a terminal does) while the third agency loads: in this process with --jobs 1,
# in a worker with --jobs 2.
INTERRUPTING = """
import os, signal, sys, time
import nianbao.agencywork as b
from nianbao.cli import main
real, calls = b.load_and_check, []
def interrupting(folder, shown):
    calls.append(folder)
    if len(calls) == 3:
        os.killpg(0, signal.SIGINT)
        time.sleep(10)
    return real(folder, shown)
b.load_and_check = interrupting
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def portal_of_30(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough agencies (≥ 24) for a build to use worker processes."""
    out = tmp_path_factory.mktemp("synth") / "content"
    synth = ROOT / "benchmarks" / "synth.py"
    args = [str(out), "--agencies", "30", "--years", "2"]
    subprocess.run([sys.executable, synth, *args], check=True, capture_output=True)
    return out


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_during_a_build_says_interrupted(
    portal_of_30: Path, tmp_path: Path, jobs: str
) -> None:
    out = tmp_path / "site"
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            INTERRUPTING,
            "build",
            "--content",
            portal_of_30,
            "--out",
            out,
            "--jobs",
            jobs,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,  # the process group Ctrl-C goes to is the build's alone
    )
    assert run.returncode == 130, run.stderr
    assert run.stderr == "\n已中断。\n"
    assert run.stdout == ""
    # no site, no half-built staging; only the build state (.nianbao-cache/)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".nianbao-cache"]


def test_ctrl_c_in_check_says_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("nianbao.commands.check", interrupted)
    run = nianbao("check", "--content", PORTAL)
    assert (run.code, run.out, run.err) == (130, "", "\n已中断。\n")


# -- unreadable content --------------------------------------------------------------------


def _as_nobody(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`nianbao ARGS` as an unprivileged user (root reads everything regardless of mode)."""
    command = [sys.executable, "-m", "nianbao", *map(str, args)]
    if os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        reach = subprocess.run([*command[:5], "-c", "import nianbao"], capture_output=True)
        if reach.returncode != 0:  # the checkout sits in a folder only root may enter
            pytest.skip("the unprivileged user cannot reach this checkout's Python")
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="nianbao-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", folder], check=True)
        shutil.rmtree(folder)


def test_unreadable_content_folder(shared_tmp: Path) -> None:
    content = shared_tmp / "content"
    shutil.copytree(PORTAL, content)
    content.chmod(0o000)  # unreadable to anyone but root
    run = _as_nobody("check", "--content", content)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"nianbao: 错误: 无法读取内容目录 {content}：没有读取权限\n"


def test_unreadable_agency_folder(shared_tmp: Path) -> None:
    content = shared_tmp / "content"
    shutil.copytree(PORTAL, content)
    for p in [content, *content.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    (content / "town-a").chmod(0o000)
    run = _as_nobody("check", "--content", content)
    assert "Traceback" not in run.stdout + run.stderr
    assert run.returncode == 1
    # located, and listed with every other problem (contentfiles reads the folder)
    assert run.stdout.splitlines()[0] == (
        f"{content}/town-a/:1:1: 错误: 无法读取文件夹：没有读取权限"
    )


# -- command-line values -------------------------------------------------------------------


def test_templates_folder_that_does_not_exist(tmp_path: Path) -> None:
    run = nianbao(
        "build", "--content", PORTAL, "--out", tmp_path / "site", "--templates", "/nonexistent"
    )
    assert (run.code, run.out) == (2, "")
    assert run.err == "nianbao: 错误: 找不到模板目录 /nonexistent（--templates 应指向一个文件夹）\n"
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("command", ["check", "build"])
def test_jobs_beyond_the_cores_are_clamped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str
) -> None:
    seen: list[object] = []

    def spy(*args: object, **options: object) -> None:
        seen.append(args[2] if command == "check" else args[4])  # the jobs argument
        raise KeyboardInterrupt  # stop there: only the arguments matter

    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr(f"nianbao.commands.{command}", spy)
    args = ["--out", tmp_path / "site"] if command == "build" else []
    assert nianbao(command, "--content", PORTAL, "--jobs", "2000", *args).code == 130
    assert seen == [2]


@pytest.mark.parametrize("value", ["0", "-3", "two"])
def test_jobs_must_be_a_positive_integer(value: str) -> None:
    run = nianbao("check", "--content", PORTAL, "--jobs", value)
    assert run.code == 2
    assert f"--jobs: 应为正整数，实为“{value}”" in run.err


# -- templates -----------------------------------------------------------------------------


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """A site built once (the "old site"), and an empty templates folder beside it."""
    out, templates = tmp_path / "site", tmp_path / "templates"
    templates.mkdir()
    assert nianbao("build", "--content", PORTAL, "--out", out, "--templates", templates).code == 0
    return out, templates


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


FOOTER = "<footer>\n<p>\n{}\n</p></footer>\n"


@pytest.mark.parametrize(
    ("template", "line"),
    [
        (
            FOOTER.format("{{ nosuchvar }}").encode(),
            "_footer.html:3: 错误: 模板中的“nosuchvar”没有定义（可用的变量见内置主题 generator/theme/）",
        ),
        (
            FOOTER.format("{% if %}x{% endif %}").encode(),
            "_footer.html:3: 错误: 模板语法错误：Expected an expression, got 'end of statement block'",
        ),
        (
            FOOTER.format("主办单位").encode("gbk"),
            "_footer.html:3:1: 错误: 文件不是 UTF-8 编码（可能是 GBK）；请用 UTF-8 重新保存",
        ),
        (
            FOOTER.format('{% include "nosuch.html" %}').encode(),
            "_footer.html:3: 错误: 模板中引用的“nosuch.html”不存在（在模板目录和内置主题中都找不到）",
        ),
        (
            FOOTER.format("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}").encode(),
            "_footer.html:3: 错误: 模板出错：宏或模板无限递归地调用自己",
        ),
    ],
    ids=["undefined", "syntax", "not-utf8", "include-missing", "endless-recursion"],
)
def test_a_broken_template_is_located_and_the_site_kept(
    built: tuple[Path, Path], template: bytes, line: str
) -> None:
    out, templates = built
    before = _snapshot(out)
    (templates / "_footer.html").write_bytes(template)
    run = nianbao("build", "--content", PORTAL, "--out", out, "--templates", templates)
    assert "Traceback" not in run.out + run.err
    assert run.code == 1
    assert run.lines == [
        f"{templates}/{line}",
        "共 1 个错误，0 个警告（5 份年报）。",
        "有错误，未生成网站（原有网站保持不变）。",
    ]
    assert _snapshot(out) == before


def test_a_template_error_is_shown_with_content_errors(
    built: tuple[Path, Path], portal: Path
) -> None:
    out, templates = built
    (templates / "_footer.html").write_text(FOOTER.format("{% if %}x{% endif %}"), "utf-8")
    edit(portal / "town-a/2022/report.yaml", "licensing: 5", "licensing: no")
    run = nianbao("build", "--content", portal, "--out", out, "--templates", templates)
    assert run.code == 1
    # sorted by path, as every problem is
    assert run.lines[0].startswith(f"{portal}/town-a/2022/report.yaml:6:14: 错误: ")
    assert run.lines[1].startswith(f"{templates}/_footer.html:3: 错误: 模板语法错误：")
    assert run.lines[2] == "共 2 个错误，0 个警告（5 份年报）。"


def test_a_template_failing_on_one_page_kind_only(built: tuple[Path, Path]) -> None:
    """Compiles, fails while rendering the home page (after the report pages)."""
    out, templates = built
    home = (ROOT / "generator/theme/home.html").read_text("utf-8")
    assert home.startswith('{% extends "base.html" %}\n') and "{% block main %}\n" in home
    broken = home.replace("{% block main %}\n", "{% block main %}\n{{ page.nosuch.attribute }}\n")
    (templates / "home.html").write_text(broken, "utf-8")
    before = _snapshot(out)
    run = nianbao("build", "--content", PORTAL, "--out", out, "--templates", templates)
    assert run.code == 1
    assert _snapshot(out) == before
    last = home[: home.index("{% block main %}\n")].count("\n") + 2  # the line added
    assert run.lines[0] == (
        f"{templates}/home.html:{last}: 错误: 模板中的“nosuch”没有定义（可用的变量见内置主题 generator/theme/）"
    )


# -- serve: the address it really listens on, or why it cannot ------------------------------


def _serve(*args: str | Path, cwd: Path = ROOT) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "nianbao", "serve", *map(str, args)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.mark.parametrize("port", ["70000", "-1", "80a", "８０００"])
def test_serve_refuses_a_port_that_is_not_one(port: str) -> None:
    run = nianbao("serve", "--content", PORTAL, "--port", port)
    assert (run.code, run.out) == (2, "")
    assert (
        run.err
        == f"nianbao: 错误: 端口应为 0 到 65535 之间的整数（0 表示任选一个空闲端口），实为“{port}”\n"
    )


def test_serve_on_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve("--content", PORTAL, "--out", tmp_path / "site", "--port", str(port))
        out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out) == (1, "")
    assert err == (
        f"nianbao: 错误: 端口 {port} 已被占用；请用 --port 换一个端口（如 --port 0 任选一个空闲端口）\n"
    )


def test_serve_on_a_host_that_does_not_resolve(tmp_path: Path) -> None:
    proc = _serve("--content", PORTAL, "--out", tmp_path / "site", "--host", "nosuchhost.invalid")
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out) == (1, "")
    assert (
        err
        == "nianbao: 错误: 找不到地址 nosuchhost.invalid（--host 应为本机的地址，如 127.0.0.1）\n"
    )


def test_serve_port_0_announces_the_port_it_listens_on(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    proc = _serve(
        "--content", PORTAL, "--out", tmp_path / "site", "--templates", templates, "--port", "0"
    )
    try:
        assert proc.stdout is not None
        line = ""
        while "预览地址" not in line:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
        found = re.search(r"预览地址：(http://127\.0\.0\.1:(\d+)/) ", line)
        assert found and int(found.group(2)) > 0, line
        base = found.group(1)
        assert wait_for(lambda: "示例市" in get(base))
        # a broken template shows on every page like a content error, located
        (templates / "_footer.html").write_text(FOOTER.format("{{ nosuchvar }}"), "utf-8")
        page = base + "demo-bureau/2021/"
        assert wait_for(lambda: "有错误，网站未更新" in get(page))
        assert f"{templates}/_footer.html:3: 错误: 模板中的“nosuchvar”没有定义" in get(page)
        (templates / "_footer.html").unlink()
        assert wait_for(lambda: "<h1>示例市数据局2021年政府信息公开工作年度报告</h1>" in get(page))
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert "Traceback" not in err
