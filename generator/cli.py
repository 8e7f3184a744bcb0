"""The command line: parse arguments, call one function, map the outcome to an exit code.

Exit codes: 0 success, 1 content problems, 2 command-line misuse, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import gettext
import os
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from . import __version__, classcode, regexcode
from .collector import paused
from .exitcodes import EXIT_INTERRUPTED, EXIT_PROBLEMS, EXIT_USAGE
from .formats import format_ids


class _Help(argparse.HelpFormatter):
    """argparse's help layout, the width found without ``shutil``: argparse imports it
    for ``get_terminal_size`` each time a parser is made (every command makes one), and
    ``shutil`` loads the bz2 and lzma modules, which no build uses (≈ 8 ms a command)."""

    def __init__(self, prog: str, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("width", _columns() - 2)  # argparse keeps 2 spare, as it does
        super().__init__(prog, *args, **kwargs)


@cache  # argparse makes a formatter per subcommand: the terminal is asked once
def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` gives it: $COLUMNS if set,
    else that of standard output, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Parser(argparse.ArgumentParser):
    """A parser whose help (and its subcommands', which argparse makes of the same class)
    is laid out by ``_Help``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Help)
        super().__init__(*args, **kwargs)


@cache  # once a process: the same catalogue serves every parser made later
def _argparse_catalogue() -> None:
    """argparse translates each of its own strings ("usage: ", "show this help message and
    exit", …) with gettext.gettext, which looks for the message catalogue afresh on every
    call: four ``stat`` calls each, some 150 for this parser on every command (≈ 3 ms, half
    of making it). The catalogue found once translates every string as each call would:
    gettext.gettext is translation(textdomain()).gettext, the original text where none
    is found (``fallback``)."""
    domain = gettext.textdomain()
    catalogue = gettext.translation(domain, gettext.bindtextdomain(domain), fallback=True)
    argparse._ = catalogue.gettext  # type: ignore[attr-defined]


def _parser() -> argparse.ArgumentParser:
    _argparse_catalogue()
    parser = _Parser(
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
            "--jobs",
            type=_positive,
            default=None,
            metavar="N",
            help="并行进程数（默认且最多为处理器核数）",
        )

    p = sub.add_parser("check", help="校验 content/ 中的全部年报，不生成网站")
    common(p)
    p.add_argument("--strict", action="store_true", help="有警告也以失败退出")
    p.add_argument(
        "--format",
        choices=["text", "json", "github", "gitlab"],
        default="text",
        help="输出格式：text、json、github（GitHub Actions 注释）、gitlab（GitLab 代码质量报告）",
    )

    p = sub.add_parser("export", help="校验并只导出数据文件（CSV、JSON、Excel），不生成网页")
    common(p)
    p.add_argument("--out", default="export", metavar="DIR", help="输出目录（默认 export/）")

    for name, helptext in (("build", "校验并生成网站到 site/"), ("serve", "本地预览，保存即刷新")):
        p = sub.add_parser(name, help=helptext)
        common(p)
        p.add_argument(
            "--templates", default=None, metavar="DIR", help="模板覆盖目录（默认 templates/）"
        )
        p.add_argument("--out", default="site", metavar="DIR", help="输出目录（默认 site/）")
        if name == "build":
            p.add_argument(
                "--verify",
                action="store_true",
                help="不依赖文件大小和修改时间：重新读取全部内容，逐字节核对输出目录，有出入的重新生成",
            )
            p.add_argument(
                "--review",
                action="store_true",
                help="同时生成供主管部门审查的页面 review/（不公开）",
            )
        if name == "serve":
            p.add_argument(
                "--port", default="8000", help="端口（默认 8000；0 表示任选一个空闲端口）"
            )
            p.add_argument("--host", default="127.0.0.1", help="地址（默认 127.0.0.1）")
    p = sub.add_parser("init", help="新建一个门户网站仓库：站点配置、内容目录、CI 与编辑器 Schema")
    p.add_argument("dir", metavar="DIR", help="新文件夹（不存在或为空）")

    p = sub.add_parser("new", help="新建一个年度的年报：全部键、官方名称注释、“待填”占位")
    p.add_argument("agency", metavar="AGENCY", help="机构文件夹名，如 shanggao-kjj")
    p.add_argument("year", metavar="YEAR", type=int, help="报告年度，如 2024")
    p.add_argument("--content", default="content", metavar="DIR", help="内容目录（默认 content/）")

    p = sub.add_parser("new-agency", help="新建一个机构：content/SLUG/agency.yaml")
    p.add_argument("slug", metavar="SLUG", help="机构文件夹名：小写字母、数字和连字符")
    p.add_argument("--name", required=True, help="机构全称")
    p.add_argument("--kind", required=True, help="机构类型：government、department 或 township")
    p.add_argument("--short-name", default=None, help="简称（可选）")
    p.add_argument("--group", default=None, help="首页上的分组（可选）")
    p.add_argument("--content", default="content", metavar="DIR", help="内容目录（默认 content/）")

    p = sub.add_parser("schema", help="输出 report.yaml 的 JSON Schema（供编辑器补全和检查）")
    p.add_argument("--format", choices=format_ids(), default=max(format_ids()), help="格式")

    p = sub.add_parser(
        "review", help="审查概况：各机关各年度是否发布、是否按时，错误和警告按规则统计"
    )
    common(p)

    p = sub.add_parser(
        "diff",
        help="比较一份年报的两个版本：逐格列出变化的数字（官方行列名称），正文按行比较",
        description="nianbao diff OLD NEW：OLD、NEW 为年报文件夹或 report.yaml；"
        "nianbao diff --git REV：列出自 REV 以来改动的每一份年报；"
        "nianbao diff --textconv FILE：供 git 的 diff.nianbao.textconv 使用。"
        "退出码：0 没有变化，1 有变化，2 用法错误或无法读取。",
    )
    p.add_argument("old", nargs="?", metavar="OLD", help="旧版本：年报文件夹或 report.yaml")
    p.add_argument("new", nargs="?", metavar="NEW", help="新版本：年报文件夹或 report.yaml")
    p.add_argument("--git", metavar="REV", help="与 git 版本 REV 比较 content/ 中改动的全部年报")
    p.add_argument(
        "--textconv", metavar="FILE", help="把 report.yaml 转成逐格一行的文本（供 git 使用）"
    )
    p.add_argument(
        "--content", default="content", metavar="DIR", help="内容目录（默认 content/，用于 --git）"
    )

    p = sub.add_parser("import", help="导入已发布的年报（PDF、Word、网页、文本）到 content/")
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="年报文件或文件夹（文件夹下的年报全部导入）"
    )
    common(p)
    p.add_argument("--agency", metavar="SLUG", help="机构目录名（默认由机构名称的拼音生成）")
    p.add_argument("--name", metavar="全称", help="机构全称（默认从年报标题读取）")
    p.add_argument("--year", type=int, metavar="N", help="年度（默认从年报标题读取）")
    p.add_argument("--force", action="store_true", help="覆盖已有的年度文件夹")
    p.add_argument("--dry-run", action="store_true", help="只显示将写入什么，不写任何文件")

    p = sub.add_parser("docx", help="生成一份年报的 Word 文档（公文格式，供内部审签）")
    p.add_argument("agency", metavar="AGENCY", help="机构文件夹名，如 shanggao-kjj")
    p.add_argument("year", type=int, metavar="YEAR", help="报告年度，如 2024")
    p.add_argument(
        "-o", "--output", metavar="FILE", help="输出文件（默认当前目录下的 <机构>-<年度>.docx）"
    )
    p.add_argument("--force", action="store_true", help="覆盖已有的文件")
    p.add_argument("--content", default="content", metavar="DIR", help="内容目录（默认 content/）")
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，实为“{text}”")
    return value


def _usage_error(message: str) -> int:
    print(f"nianbao: 错误: {message}", file=sys.stderr)
    return EXIT_USAGE


# The commands after which the process ends at once (see _end_now); set by _main.
QUICK_EXIT = ("build", "check")
_ran: list[str] = []


def main(argv: Sequence[str] | None = None) -> int:
    """The command line. Called as the program (no ``argv``), ``build`` and ``check`` end
    the process as soon as they are done (_end_now); called with ``argv`` (tests, other
    programs), it returns the exit code."""
    regexcode.install()  # before the modules a command loads compile their patterns
    code = _guarded(argv)
    classcode.keep()  # the methods of the dataclasses this command made, for the next one
    regexcode.keep()  # and the code of the regular expressions it compiled
    if argv is None and _ran and _ran[-1] in QUICK_EXIT:
        _end_now(code)
    return code


def _end_now(code: int) -> None:
    """Exit without the interpreter's teardown, which frees every object a large build made
    (≈ 0.1 s at 10,000 reports) and runs nothing else that matters here: the command has
    released the output's lock, closed its worker pools and files and printed everything;
    what is left is flushed first. A flush that fails leaves the ordinary exit to report
    it as it always has; so does a worker process still alive (its pool would be left
    without the interpreter's clean-up), or an interruption."""
    pools = sys.modules.get("multiprocessing")
    if code == EXIT_INTERRUPTED or (pools is not None and pools.active_children()):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


def _guarded(argv: Sequence[str] | None) -> int:
    try:
        try:
            return _main(argv)
        finally:
            started = sys.modules.get(f"{__package__}.earlyscan")
            if started is not None:
                started.drop_early()  # started, and not taken by a build
    except KeyboardInterrupt:  # Ctrl-C: the old site is untouched (builds swap in at the end)
        print("\n已中断。", file=sys.stderr)
        return EXIT_INTERRUPTED
    except PermissionError as e:  # a folder or file inside content/ the user may not read
        print(f"nianbao: 错误: 无法读取 {e.filename}：没有读取权限", file=sys.stderr)
        return EXIT_PROBLEMS


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    _ran.append(args.command)
    if args.command in ("init", "new", "new-agency", "schema"):
        from .commands import run_scaffold

        return run_scaffold(args)
    if args.command == "diff":
        from .commands import run_diff

        return run_diff(args)
    if getattr(args, "jobs", None) is not None:  # docx has no --jobs
        # More workers than cores only adds forks and memory (--jobs 2000 forked 2,000).
        args.jobs = min(args.jobs, os.cpu_count() or 1)
    content = Path(args.content)
    if args.command == "import":
        from .commands import run_import

        return run_import(content, args)
    if not content.is_dir():
        if content.exists():  # a file given as the folder: "not found" would mislead
            return _usage_error(
                f"内容目录 {args.content} 是一个文件，不是文件夹（--content 应指向内容文件夹）"
            )
        print(
            f"nianbao: 错误: 找不到内容目录 {args.content}（可用 --content 指定）", file=sys.stderr
        )
        return EXIT_USAGE
    if not os.access(content, os.R_OK | os.X_OK):
        return _usage_error(f"无法读取内容目录 {args.content}：没有读取权限")
    # Loading a build's modules makes some 100,000 objects (classes, functions, formats),
    # none of them garbage: collecting as they are made costs about a tenth of the imports.
    if args.command == "check":
        with paused():
            from .commands import run_check
        return run_check(content, args.content, args.strict, args.format, args.jobs)
    if args.command == "review":
        from .commands import run_review

        return run_review(content, args.content, args.jobs)
    if args.command == "docx":
        from .commands import run_docx

        return run_docx(content, args)
    templates = getattr(args, "templates", None)  # export has no templates
    if templates is not None and not Path(templates).is_dir():
        return _usage_error(f"找不到模板目录 {templates}（--templates 应指向一个文件夹）")
    if hasattr(args, "templates"):
        args.templates = args.templates or "templates"  # the default may be absent: theme only
    clash = _out_clash(Path(args.out), content, Path(getattr(args, "templates", "templates")))
    if clash:
        print(
            f"nianbao: 错误: 输出目录 {args.out} {clash}；请用 --out 另选一个目录", file=sys.stderr
        )
        return EXIT_USAGE
    if args.command == "build":
        with paused():
            _scan_early(content, args)  # its workers list the content while the build loads
            from .commands import run_build
        return run_build(content, args)
    if args.command == "export":
        from .commands import run_export

        return run_export(content, args)
    from .serve import serve  # livereload and watchdog load only for serve
    from .serveaddress import parse_port

    port = parse_port(args.port)
    if port is None:
        return _usage_error(
            f"端口应为 0 到 65535 之间的整数（0 表示任选一个空闲端口），实为“{args.port}”"
        )
    templates = Path(args.templates)
    return serve(content, templates, Path(args.out), args.content, args.host, port, args.jobs)


def _scan_early(content: Path, args: argparse.Namespace) -> None:
    """Start the content scan the build will ask for (earlyscan.start_early): the workers
    list the content while this process loads the modules of a build (a tenth of a
    second), which they need not. ``--verify`` lists every folder: it starts its own."""
    if args.verify:
        return
    from .earlyscan import start_early
    from .outdir import OutputRefused, target

    try:
        state = target(Path(args.out), args.out).state
    except OutputRefused:
        return  # the build says why
    start_early(content, args.jobs or os.cpu_count() or 1, state)


def _out_clash(out: Path, content: Path, templates: Path) -> str:
    """Why writing to ``out`` would destroy something or be read back as sources, or ""
    (a build replaces the folder)."""
    target = out.resolve()
    for folder, name in ((content, "内容目录"), (templates, "模板目录"), (Path.cwd(), "当前目录")):
        here = folder.resolve()
        if target == here:
            return f"就是{name}，生成网站会把它整个替换掉"
        if target in here.parents:
            return f"包含{name}，生成网站会把它整个替换掉"
    for folder, name in ((content, "内容目录"), (templates, "模板目录")):
        # a site inside the sources is read back as sources by the next build or check
        # (its agency folders as years, index.html as an unknown file), so the first build
        # would succeed and every later one fail
        if folder.resolve() in target.parents:
            return f"在{name}里面，以后检查和生成时网站文件会被当作{name}里的内容读取"
    return ""
