"""The command line: parse arguments, call one function, map the outcome to an exit code.

Exit codes: 0 success, 1 content problems, 2 command-line misuse, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .annotations import github_commands, gitlab_report
from .build import Result, build, check
from .formats import all_formats
from .outdir import OutputRefused, hold, target
from .problems import Problem, count, summary_line, to_json
from .progress import Bar

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


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
    p.add_argument(
        "--format", choices=sorted(all_formats()), default=max(all_formats()), help="格式"
    )

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


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C: the old site is untouched (builds swap in at the end)
        print("\n已中断。", file=sys.stderr)
        return EXIT_INTERRUPTED
    except PermissionError as e:  # a folder or file inside content/ the user may not read
        print(f"nianbao: 错误: 无法读取 {e.filename}：没有读取权限", file=sys.stderr)
        return EXIT_PROBLEMS


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.command in ("init", "new", "new-agency", "schema"):
        return _scaffold(args)
    if args.command == "diff":
        return _diff(args)
    if getattr(args, "jobs", None) is not None:  # docx has no --jobs
        # More workers than cores only adds forks and memory (--jobs 2000 forked 2,000).
        args.jobs = min(args.jobs, os.cpu_count() or 1)
    content = Path(args.content)
    if args.command == "import":
        return _import(content, args)
    if not content.is_dir():
        print(
            f"nianbao: 错误: 找不到内容目录 {args.content}（可用 --content 指定）", file=sys.stderr
        )
        return EXIT_USAGE
    if not os.access(content, os.R_OK | os.X_OK):
        return _usage_error(f"无法读取内容目录 {args.content}：没有读取权限")
    if args.command == "check":
        return _check(content, args.content, args.strict, args.format, args.jobs)
    if args.command == "review":
        return _review(content, args.content, args.jobs)
    if args.command == "docx":
        return _docx(content, args)
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
        return _build(content, args)
    if args.command == "export":
        return _export(content, args)
    from .serve import parse_port, serve  # livereload and watchdog load only for serve

    port = parse_port(args.port)
    if port is None:
        return _usage_error(
            f"端口应为 0 到 65535 之间的整数（0 表示任选一个空闲端口），实为“{args.port}”"
        )
    templates = Path(args.templates)
    return serve(content, templates, Path(args.out), args.content, args.host, port, args.jobs)


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
            try:
                result = build(
                    content,
                    Path(args.templates),
                    out,
                    args.content,
                    args.jobs,
                    bar,
                    verify=args.verify,
                    out_shown=args.out,
                    review=args.review,
                )
            finally:
                bar.close()
            for p in result.problems:
                print(p.format())
            if not result.written:
                print(summary_line(result.problems, result.reports))
                print("有错误，未生成网站（原有网站保持不变）。")
                return EXIT_PROBLEMS
            print(build_summary(result, args.out))
            return _index(content, out, result.rendered)  # part of the output: under the lock
    except OutputRefused as refused:
        print(f"nianbao: 错误: {refused}", file=sys.stderr)
        return EXIT_USAGE


def _index(content: Path, out: Path, rendered: int) -> int:
    """The search index, when site.yaml asks for it: after the pages, and only by `build`
    (a save in `serve` stays fast)."""
    from .search import INDEX_FOLDER, SearchUnavailable, index_site, wants_search

    if not wants_search(content) or (rendered == 0 and (out / INDEX_FOLDER).is_dir()):
        return EXIT_OK
    start = time.perf_counter()
    try:
        index_site(out)
    except SearchUnavailable as e:
        print(f"nianbao: 错误: {e}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(
        f"已建立搜索索引，用时 {time.perf_counter() - start:.2f} 秒 → {out.as_posix().rstrip('/')}/{INDEX_FOLDER}/"
    )
    return EXIT_OK


def _export(content: Path, args: argparse.Namespace) -> int:
    from .exports.command import export

    result = export(content, Path(args.out), args.content)
    for p in result.problems:
        print(p.format())
    if not result.written:
        print(summary_line(result.problems, result.reports))
        print("有错误，未导出数据。")
        return EXIT_PROBLEMS
    print(f"已导出 {result.files} 个数据文件（{result.reports} 份年报）→ {args.out.rstrip('/')}/")
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


def _import(content: Path, args: argparse.Namespace) -> int:
    from .importers.command import import_reports  # pdfplumber loads only for import
    from .importers.convert import Options
    from .load import RESERVED, SLUG, YEAR_FOLDER

    slug = args.agency
    if slug is not None and (
        not SLUG.fullmatch(slug) or YEAR_FOLDER.fullmatch(slug) or slug in RESERVED
    ):
        print(
            f"nianbao: 错误: --agency “{slug}”不能作机构目录名：只能用小写字母 a-z、数字和连字符“-”，"
            "不能是年份，如 shanggao-kjj",
            file=sys.stderr,
        )
        return EXIT_USAGE
    options = Options(agency=slug, name=args.name, year=args.year)
    bar = Bar(label="个文件")
    try:
        failed = import_reports(
            [Path(p) for p in args.paths],
            content,
            options,
            force=args.force,
            dry_run=args.dry_run,
            jobs=args.jobs,
            progress=bar,
        )
    finally:
        bar.close()
    return EXIT_PROBLEMS if failed else EXIT_OK


def _docx(content: Path, args: argparse.Namespace) -> int:
    from .wordexport.command import export_docx

    output = Path(args.output) if args.output else None
    result = export_docx(content, args.content, args.agency, args.year, output, args.force)
    for p in result.problems:
        print(p.format())
    if result.errors:
        errors, warnings = count(result.problems)
        print(f"共 {errors} 个错误，{warnings} 个警告。有错误，未生成 Word 文档。")
        return EXIT_PROBLEMS
    if result.refused:
        print(f"nianbao: 错误: {result.refused}", file=sys.stderr)
        return EXIT_USAGE
    size = -(-result.size // 1024)
    print(f"已生成 Word 文档 → {result.written}（{size} KB）")
    return EXIT_OK


def _check(content: Path, shown: str, strict: bool, fmt: str, jobs: int | None) -> int:
    result = check(content, shown, jobs)
    if fmt == "json":
        print(to_json(result.problems, result.reports))
    elif fmt == "gitlab":
        print(gitlab_report(result.problems))
    elif fmt == "github":
        if result.problems:
            print(github_commands(result.problems))
        print(summary_line(result.problems, result.reports))
    else:
        for p in result.problems:
            print(p.format())
        print(summary_line(result.problems, result.reports))
    failed = bool(result.errors) or (strict and bool(result.problems))
    return EXIT_PROBLEMS if failed else EXIT_OK


def _scaffold(args: argparse.Namespace) -> int:
    """init, new, new-agency and schema: write (or print) files, never overwriting."""
    from .portal_init import init_portal
    from .scaffold import Refused, new_agency
    from .schema import schema_text

    try:
        if args.command == "schema":
            print(schema_text(all_formats()[args.format]), end="")
        elif args.command == "init":
            files = init_portal(Path(args.dir))
            print(f"已新建门户网站 {args.dir.rstrip('/')}/（{len(files)} 个文件）。")
            print("下一步：cd 进去，运行 nianbao new-agency 添加机构，nianbao new 新建年报。")
        elif args.command == "new-agency":
            path = new_agency(
                Path(args.content), args.slug, args.name, args.kind, args.short_name, args.group
            )
            print(f"已新建机构：{path}")
            print(f"下一步：nianbao new {args.slug} 年度")
        else:
            return _new(args)
    except Refused as e:
        print(f"nianbao: 错误: {e}", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from .scaffold import new_report

    written = new_report(Path(args.content), args.agency, args.year)
    for path in written.files:
        print(f"已写入 {path}")
    if written.previous is not None:
        print(f"已按 {written.previous} 年度的年报预填 {written.filled} 个单元格（上年结转等）。")
    print("请把每个“待填”改为实际数字（没有的填 0），写好正文，然后运行 nianbao check。")
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from .review import diff

    if args.textconv:
        print("\n".join(diff.textconv(Path(args.textconv))))
        return EXIT_OK
    if args.git:
        lines, error = diff.diff_since(args.git, Path(args.content))
        if error is not None:
            print(f"nianbao: 错误: git 无法比较 {args.git}：{error}", file=sys.stderr)
            return EXIT_USAGE
        print("\n".join(lines) if lines else f"自 {args.git} 以来没有年报改动。")
        return EXIT_PROBLEMS if lines else EXIT_OK
    if not args.old or not args.new:
        print(
            "nianbao: 错误: 请给出两个版本：nianbao diff OLD NEW（或 --git REV）", file=sys.stderr
        )
        return EXIT_USAGE
    reports = []
    for given in (args.old, args.new):
        problems: list[Problem] = []
        report = diff.load_either(Path(given), problems) if Path(given).exists() else None
        if report is None:
            for p in problems:
                print(p.format(), file=sys.stderr)
            print(f"nianbao: 错误: 无法读取年报 {given}", file=sys.stderr)
            return EXIT_USAGE
        reports.append(report)
    lines = diff.diff_reports(reports[0], reports[1], args.old.rstrip("/"), args.new.rstrip("/"))
    if lines:
        print("\n".join(lines))
    return EXIT_PROBLEMS if lines else EXIT_OK


def _review(content: Path, shown: str, jobs: int | None) -> int:
    from .load import load_site_yaml
    from .review import page

    result = check(content, shown, jobs)
    site = load_site_yaml(content, shown, [])
    if site is None:
        for p in result.problems:
            print(p.format())
        return EXIT_PROBLEMS
    overview = page.review_page(site, result.agencies, result.problems, shown)
    print("\n".join(page.text(overview)))
    return EXIT_OK
