"""The command line: parse arguments, call one function, map the outcome to an exit code.

Exit codes: 0 success, 1 content problems, 2 command-line misuse.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import Result, build, check
from .outdir import OutputRefused, hold, target
from .problems import summary_line, to_json
from .progress import Bar

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description="政府信息公开工作年度报告：校验数据，生成静态网站。",
    )
    parser.add_argument("--version", action="version", version=f"nianbao {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--content", default="content", metavar="DIR", help="内容目录（默认 content/）"
        )
        p.add_argument(
            "--jobs", type=int, default=None, metavar="N", help="并行进程数（默认为处理器核数）"
        )

    p = sub.add_parser("check", help="校验 content/ 中的全部年报，不生成网站")
    common(p)
    p.add_argument("--strict", action="store_true", help="有警告也以失败退出")
    p.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")

    for name, helptext in (("build", "校验并生成网站到 site/"), ("serve", "本地预览，保存即刷新")):
        p = sub.add_parser(name, help=helptext)
        common(p)
        p.add_argument("--templates", default="templates", metavar="DIR", help="模板覆盖目录")
        p.add_argument("--out", default="site", metavar="DIR", help="输出目录（默认 site/）")
        if name == "build":
            p.add_argument(
                "--verify",
                action="store_true",
                help="不依赖文件大小和修改时间：重新读取全部内容，逐字节核对输出目录，有出入的重新生成",
            )
        if name == "serve":
            p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
            p.add_argument("--host", default="127.0.0.1", help="地址（默认 127.0.0.1）")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    content = Path(args.content)
    if not content.is_dir():
        print(
            f"nianbao: 错误: 找不到内容目录 {args.content}（可用 --content 指定）", file=sys.stderr
        )
        return EXIT_USAGE
    if args.command == "check":
        return _check(content, args.content, args.strict, args.format, args.jobs)
    clash = _out_clash(Path(args.out), content, Path(args.templates))
    if clash:
        print(
            f"nianbao: 错误: 输出目录 {args.out} {clash}；请用 --out 另选一个目录", file=sys.stderr
        )
        return EXIT_USAGE
    if args.command == "build":
        return _build(content, args)
    from .serve import serve  # livereload and watchdog load only for serve

    templates = Path(args.templates)
    return serve(content, templates, Path(args.out), args.content, args.host, args.port, args.jobs)


def _out_clash(out: Path, content: Path, templates: Path) -> str:
    """Why writing to ``out`` would destroy something, or "" (a build replaces the folder)."""
    target = out.resolve()
    for folder, name in ((content, "内容目录"), (templates, "模板目录"), (Path.cwd(), "当前目录")):
        here = folder.resolve()
        if target == here:
            return f"就是{name}，生成网站会把它整个替换掉"
        if target in here.parents:
            return f"包含{name}，生成网站会把它整个替换掉"
    return ""


def _build(content: Path, args: argparse.Namespace) -> int:
    out = Path(args.out)
    bar = Bar()
    try:
        with hold(target(out, args.out), "build", _say):
            result = build(
                content,
                Path(args.templates),
                out,
                args.content,
                args.jobs,
                bar,
                verify=args.verify,
                out_shown=args.out,
            )
    except OutputRefused as refused:
        print(f"nianbao: 错误: {refused}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        bar.close()
    for p in result.problems:
        print(p.format())
    if not result.written:
        print(summary_line(result.problems, result.reports))
        print("有错误，未生成网站（原有网站保持不变）。")
        return EXIT_PROBLEMS
    print(build_summary(result, args.out))
    return EXIT_OK


def _say(message: str) -> None:
    print(f"nianbao: {message}", file=sys.stderr, flush=True)


def build_summary(result: Result, out: str) -> str:
    """One line: what was built, what this run wrote, how long it took."""
    what = f"{result.pages} 个文件（{result.reports} 份年报）"
    if result.incremental:
        what += f"，更新 {result.rendered} 个"
    if result.repaired:
        what += f"（其中 {result.repaired} 个是输出目录中被改动或删除的文件，已恢复）"
    return f"已生成 {what}，用时 {result.seconds:.2f} 秒 → {out.rstrip('/')}/"


def _check(content: Path, shown: str, strict: bool, fmt: str, jobs: int | None) -> int:
    result = check(content, shown, jobs)
    if fmt == "json":
        print(to_json(result.problems, result.reports))
    else:
        for p in result.problems:
            print(p.format())
        print(summary_line(result.problems, result.reports))
    failed = bool(result.errors) or (strict and bool(result.problems))
    return EXIT_PROBLEMS if failed else EXIT_OK
