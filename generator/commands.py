"""What each subcommand does once its arguments are parsed (build, check, export, import,
docx, init/new/new-agency/schema, diff, review), each returning the exit code.

``cli`` parses the command line and dispatches here.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .build import Result, build, check
from .exitcodes import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from .formats import all_formats
from .outdir import OutputRefused, hold, target
from .problems import Problem, count, summary_line, to_json
from .progress import Bar


def run_build(content: Path, args: argparse.Namespace) -> int:
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
                    index=True,
                )
            finally:
                bar.close()
            _print_problems(result)
            if not result.written:
                print(summary_line(result.found, result.reports))
                print("有错误，未生成网站（原有网站保持不变）。")
                return EXIT_PROBLEMS
            print(build_summary(result, args.out))
            return _index(out, result.search, result.rendered)  # part of the output: under the lock
    except OutputRefused as refused:
        print(f"nianbao: 错误: {refused}", file=sys.stderr)
        return EXIT_USAGE


def _print_problems(result: Result) -> None:
    """One write: a large portal may carry thousands of warnings, printed on every build
    (those of agencies the build did not read as their records keep them)."""
    text = result.text()
    if text:
        sys.stdout.write(text)


def _index(out: Path, search: bool, rendered: int) -> int:
    """The search index, when site.yaml asks for it: after the pages, and only by `build`
    (a save in `serve` stays fast)."""
    from .search import INDEX_FOLDER, SearchUnavailable, index_site

    if not search or (rendered == 0 and (out / INDEX_FOLDER).is_dir()):
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


def run_export(content: Path, args: argparse.Namespace) -> int:
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


def run_import(content: Path, args: argparse.Namespace) -> int:
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


def run_docx(content: Path, args: argparse.Namespace) -> int:
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


def run_check(content: Path, shown: str, strict: bool, fmt: str, jobs: int | None) -> int:
    from .annotations import github_commands, gitlab_report

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


def run_scaffold(args: argparse.Namespace) -> int:
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


def run_diff(args: argparse.Namespace) -> int:
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


def run_review(content: Path, shown: str, jobs: int | None) -> int:
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
