"""Template errors as problems: a site's own template that does not compile, cannot be read
or fails while a page renders is reported like a content error, with its file and line
(``templates/_footer.html:3: 错误: …``), never as a Jinja traceback."""

from __future__ import annotations

import re
import traceback
from pathlib import Path

import jinja2

from .problems import Problem
from .yamlparse import read_text


def find_template_problems(env: jinja2.Environment, templates: Path) -> list[Problem]:
    """Every file of ``templates`` (but static/) that cannot be read as UTF-8 (the same
    reading and messages as content files) or compiled by ``env``."""
    out: list[Problem] = []
    for path in sorted(templates.rglob("*")):
        rel = path.relative_to(templates).as_posix()
        if rel.startswith("static/") or not path.is_file():
            continue  # copied as they are, not templates
        shown = _shown(templates, rel)
        text, problems = read_text(path, shown)
        out.extend(problems)
        if text is not None:
            try:
                env.parse(text, rel, str(path))
            except jinja2.TemplateSyntaxError as e:
                out.append(_template_problem(shown, e.lineno, f"模板语法错误：{e.message}"))
    return out


def _shown(templates: Path, rel: str) -> str:
    return f"{templates.as_posix().rstrip('/')}/{rel}"


def _template_problem(shown: str, line: int, message: str) -> Problem:
    return Problem(shown, line, 0, "error", message)  # column 0: Jinja does not know it


def located(error: Exception, templates: Path | None, theme: Path) -> Problem:
    """Where in which template ``error`` arose: Jinja rewrites the traceback so that
    template frames carry the template's file name and line."""
    folders: list[tuple[Path, Path | None]] = []
    if templates is not None:
        folders.append((templates.resolve(), templates))
    folders.append((theme, None))
    where = ("", 1)
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        where = (error.filename, error.lineno)
    else:
        for frame in traceback.extract_tb(error.__traceback__):
            if frame.filename.endswith((".html", ".xml", ".txt")):
                where = (frame.filename, frame.lineno or 1)
    filename, line = where
    shown = filename or "模板"
    for folder, given in folders:
        try:
            rel = Path(filename).resolve().relative_to(folder).as_posix()
        except ValueError:
            continue
        shown = _shown(given, rel) if given is not None else f"内置主题 {rel}"
        break
    message = getattr(error, "message", None) or str(error)
    undefined = re.fullmatch(
        r"'(.+)' is undefined|.* has no (?:attribute|element) '?(.+?)'?", message
    )
    if undefined:
        name = undefined.group(1) or undefined.group(2)
        text = f"模板中的“{name}”没有定义（可用的变量见内置主题 generator/theme/）"
    elif isinstance(error, jinja2.TemplateSyntaxError):
        text = f"模板语法错误：{message}"
    elif isinstance(error, jinja2.TemplateNotFound):
        text = f"模板中引用的“{error.name}”不存在（在模板目录和内置主题中都找不到）"
    elif isinstance(error, RecursionError):
        text = "模板出错：宏或模板无限递归地调用自己"
    elif isinstance(error, UnicodeDecodeError):
        text = "文件不是 UTF-8 编码（可能是 GBK）；请用 UTF-8 重新保存"
    else:
        text = f"模板出错：{' '.join(message.split())}"
    return _template_problem(shown, line, text)
