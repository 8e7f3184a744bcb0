"""Stage 1, load: content files in, typed model objects and every structural problem out.

site.yaml, and each agency folder with its reports, load on their own: the agency is the
unit the build hands to its workers and reloads when its files change.

Structure is checked here because it is what reading needs (required and unknown keys, list
lengths, value types, folder names). The arithmetic of the national formats is left to
``validate``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .agencyfast import AGENCY_KEYS, CONTACT_KEYS, fast_agency
from .contentfiles import Refused, Tree, refusal_problem
from .markdown import narrative_problems
from .model import (
    AGENCY_KINDS,
    NARRATIVE_FILES,
    Agency,
    Report,
    Site,
)
from .problems import Problem
from .reportfast import fast_report
from .reportread import read_report
from .siteyaml import display_path
from .yamlparse import decode_text, parse_yaml
from .yamlsource import Reader, position, quoted, suggest

if TYPE_CHECKING:  # nodes exist only where a file is read the full way (yamlparse)
    from yaml.nodes import Node, ScalarNode

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
YEAR_FOLDER = re.compile(r"[0-9]{4}")  # ASCII only: \d takes ２０２１ too
RESERVED = {"assets"}  # site folders that are not agencies

SITE_KEYS = [
    "title",
    "region",
    "base_url",
    "url",
    "license",
    "search",
    "footer",
    "word",
    "portal",
]
FOOTER_KEYS = ["organizer", "site_code", "icp", "police"]
# the host portal's page metadata (<meta name="SiteName"> …), see portal_meta.py
PORTAL_KEYS = [
    "site_name",
    "site_domain",
    "site_id_code",
    "column_name",
    "column_type",
    "content_source",
]


Entries = Mapping[str, "tuple[ScalarNode, Node]"]  # a mapping's entries, as Reader gives them


def load_site_yaml(
    content: Path, shown_root: str, problems: list[Problem], tree: Tree | None = None
) -> Site | None:
    """site.yaml alone: the site without its agencies (each agency loads on its own).
    ``tree`` is the content folder as this build reads it (its digest is the site's)."""
    tree = tree if tree is not None else Tree(content, os.path.realpath(content))
    shown = display_path(shown_root, "site.yaml")
    if not tree.is_file("site.yaml"):
        problems.append(_missing(tree, "site.yaml", shown, "站点配置文件 site.yaml"))
        return None
    r, root = _open_yaml(tree, "site.yaml", shown, problems)
    if root is None:
        return None
    m = r.mapping(root, "site.yaml ", SITE_KEYS, ["title", "region"])
    site = None
    if m is not None:
        title = _text(r, m, "title", "站点标题 title ")
        region = _text(r, m, "region", "地区 region ")
        base_url = _text(r, m, "base_url", "base_url ", required=False) or "/"
        if not (base_url.startswith("/") and base_url.endswith("/")):
            r.error(
                m["base_url"][1],
                f"base_url 应以“/”开头并以“/”结尾，如 /xxgk/ndbg/，实为{quoted(base_url)}",
            )
            base_url = "/"
        url = _text(r, m, "url", "url ", required=False)
        if url is not None and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
            r.error(
                m["url"][1],
                f"url 应为完整网址，如 https://www.example.gov.cn/xxgk/ndbg/，实为{quoted(url)}",
            )
            url = None
        if url is not None and not url.endswith("/"):
            url += "/"
        footer = _texts(r, m, "footer", "页脚 footer ", FOOTER_KEYS)
        license = _text(r, m, "license", "数据许可 license ", required=False)
        search = r.flag(m["search"][1], "search ", "search") if "search" in m else False
        search_at = position(m["search"][0]) if "search" in m else (1, 1)
        word = r.flag(m["word"][1], "word ", "word") if "word" in m else False
        portal = _texts(r, m, "portal", "门户网站元数据 portal ", PORTAL_KEYS)
        if title is not None and region is not None:
            site = Site(
                title=title,
                region=region,
                base_url=base_url,
                url=url,
                footer=footer,
                license=license,
                search=search,
                search_at=search_at,
                word=word,
            )
            site.portal = portal
    problems.extend(r.problems)
    return site


def _missing(tree: Tree, rel: str, shown: str, what: str) -> Problem:
    """A required file that is not there, or is a folder of that name (缺少 would mislead)."""
    if tree.kind(rel) == "dir":
        return Problem(shown, 1, 1, "error", f"{what} 应为文件，实为文件夹")
    return Problem(shown, 1, 1, "error", f"缺少{what}")


def _open_yaml(
    tree: Tree, rel: str, shown: str, problems: list[Problem]
) -> tuple[Reader, Node | None]:
    r = Reader(shown)
    text, read_problems = _read_text(tree, rel, shown)
    problems.extend(read_problems)
    if text is None:
        return r, None
    root, parse_problems = parse_yaml(text, shown)
    problems.extend(parse_problems)
    return r, root


def _read_text(tree: Tree, rel: str, shown: str) -> tuple[str | None, list[Problem]]:
    """A content file as text, read through the tree: inside the content folder, a regular
    file, bounded (see contentfiles)."""
    try:
        data = tree.read(rel)
    except Refused as refused:
        return None, [refusal_problem(refused, shown)]
    return decode_text(data, shown)


def _text(r: Reader, m: Entries, key: str, what: str, required: bool = True) -> str | None:
    if key not in m:
        return None
    return r.text(m[key][1], what, key, required)


def _texts(r: Reader, m: Entries, key: str, what: str, keys: list[str]) -> dict[str, str]:
    """An optional mapping of text fields (footer, contact), with what could be read."""
    if key not in m:
        return {}
    entries = r.mapping(m[key][1], what, keys, key=key) or {}
    out = {}
    for k in keys:
        if k in entries:
            value = r.text(entries[k][1], f"{key}.{k} ", f"{key}.{k}")
            if value is not None:
                out[k] = value
    return out


def load_agency(
    folder: Path, shown: str, problems: list[Problem], tree: Tree | None = None
) -> Agency | None:
    agency, reports = read_agency(folder, shown, problems, tree)
    if agency is not None:
        agency.reports = reports
    return agency


def read_agency(
    folder: Path, shown: str, problems: list[Problem], tree: Tree | None = None
) -> tuple[Agency | None, dict[int, Report]]:
    """agency.yaml and every year's report; the reports even when agency.yaml is broken,
    so that their own problems are found too."""
    tree = tree if tree is not None else Tree(folder, os.path.realpath(folder.parent))
    slug = folder.name
    agency_yaml = display_path(shown, "agency.yaml")
    if slug == "site.yaml":
        return None, {}  # a folder named site.yaml: reported as such by load_site_yaml
    if YEAR_FOLDER.fullmatch(slug):
        msg = f"机构文件夹名“{slug}”不能是年份；年报应放在 content/<机构>/<年份>/ 下"
        problems.append(Problem(shown + "/", 1, 1, "error", msg))
        return None, {}
    if slug in RESERVED:
        msg = f"机构文件夹名“{slug}”是网站保留的名称（存放样式等文件），请换一个"
        problems.append(Problem(shown + "/", 1, 1, "error", msg))
        return None, {}
    if not SLUG.fullmatch(slug):
        msg = f"机构文件夹名“{slug}”不合规：只能用小写字母 a-z、数字和连字符“-”，如 shanggao-kjj"
        problems.append(Problem(shown + "/", 1, 1, "error", msg))
        return None, {}
    refused = tree.refusal("")
    if refused is not None:
        problems.append(refusal_problem(refused, shown + "/"))
        return None, {}
    if not tree.is_file("agency.yaml"):
        problems.append(_missing(tree, "agency.yaml", agency_yaml, "机构信息文件 agency.yaml"))
        agency = None
    else:
        agency = _load_agency_yaml(tree, agency_yaml, slug, problems)
    reports: dict[int, Report] = {}
    for sub in tree.children():
        if sub.name.startswith("_") or sub.name == "agency.yaml":
            continue
        refused = tree.refusal(sub.name)
        if refused is not None:
            problems.append(refusal_problem(refused, display_path(shown, sub.name)))
            continue
        if sub.kind != "dir":  # a typo such as agncy.yaml would otherwise go unnoticed
            import difflib  # here: only a misnamed file needs it

            close = difflib.get_close_matches(sub.name, ["agency.yaml"], n=1, cutoff=0.6)
            hint = (
                "是否想写“agency.yaml”？"
                if close
                else "机构文件夹里只放 agency.yaml 和各年度文件夹"
            )
            msg = f"未知的文件“{sub.name}”，不会发布；{hint}"
            problems.append(Problem(display_path(shown, sub.name), 1, 1, "warning", msg))
            continue
        sub_shown = display_path(shown, sub.name)
        if not YEAR_FOLDER.fullmatch(sub.name):
            msg = f"年份文件夹名应为四位数字（如 2021），实为“{sub.name}”"
            problems.append(Problem(sub_shown + "/", 1, 1, "error", msg))
            continue
        report = load_report(tree, sub.name, sub_shown, slug, problems)
        if report is not None:
            reports[report.year] = report
    return agency, reports


def _load_agency_yaml(tree: Tree, shown: str, slug: str, problems: list[Problem]) -> Agency | None:
    text, read_problems = _read_text(tree, "agency.yaml", shown)
    problems.extend(read_problems)
    if text is None:
        return None
    # the usual shape, read without YAML; anything else (or any problem) the full way
    fast = fast_agency(text, slug, shown)
    if fast is not None:
        return fast
    return agency_from_yaml(text, shown, slug, problems)


def agency_from_yaml(text: str, shown: str, slug: str, problems: list[Problem]) -> Agency | None:
    """agency.yaml read the full way (YAML nodes), every problem found and worded."""
    r = Reader(shown)
    root, parse_problems = parse_yaml(text, shown)
    problems.extend(parse_problems)
    if root is None:
        return None
    m = r.mapping(root, "agency.yaml ", AGENCY_KEYS, ["name", "kind"])
    agency = None
    if m is not None:
        name = _text(r, m, "name", "机构名称 name ")
        kind = _text(r, m, "kind", "机构类型 kind ")
        if kind is not None and kind not in AGENCY_KINDS:
            choices = "、".join(f"{k}（{v}）" for k, v in AGENCY_KINDS.items())
            r.error(
                m["kind"][1], f"机构类型 kind 应为 {choices} 之一，实为{quoted(kind)}", key="kind"
            )
            kind = None
        order = r.integer(m["order"][1], "排序 order ", "order") if "order" in m else None
        since = r.integer(m["since"][1], "起始年度 since ", "since") if "since" in m else None
        until = r.integer(m["until"][1], "终止年度 until ", "until") if "until" in m else None
        if since is not None and until is not None and until < since:
            msg = f"终止年度 until（{until}）早于起始年度 since（{since}）"
            r.error(m["until"][1], msg, key="until")
            until = None
        contact = _texts(r, m, "contact", "联系方式 contact ", CONTACT_KEYS)
        if name is not None and kind is not None:
            agency = Agency(
                slug=slug,
                name=name,
                kind=kind,
                path=shown,
                short_name=_text(r, m, "short_name", "简称 short_name ", required=False),
                group=_text(r, m, "group", "分组 group ", required=False),
                order=order,
                contact=contact,
                since=since,
                until=until,
            )
    problems.extend(r.problems)
    return agency


# ---------------------------------------------------------------------------------------
# report.yaml


def load_report(
    tree: Tree, year: str, shown: str, agency: str, problems: list[Problem]
) -> Report | None:
    """One year's report (the folder ``year`` of the agency's tree): report.yaml read
    against its format, plus the narrative files."""
    yaml_shown = display_path(shown, "report.yaml")
    narratives = _load_narratives(tree, year, shown, problems)
    if not tree.is_file(f"{year}/report.yaml"):
        problems.append(
            _missing(tree, f"{year}/report.yaml", yaml_shown, "年报数据文件 report.yaml")
        )
        return None
    text, read_problems = _read_text(tree, f"{year}/report.yaml", yaml_shown)
    problems.extend(read_problems)
    if text is None:
        return None
    # the usual shape, read without YAML nodes; anything else (or any problem) the full way
    report = fast_report(text, year, agency, yaml_shown)
    if report is None:
        r = Reader(yaml_shown)
        root, parse_problems = parse_yaml(text, yaml_shown)
        problems.extend(parse_problems)
        if root is None:
            return None
        report = read_report(r, root, year, agency)
        problems.extend(r.problems)
    if report is not None:
        report.narratives = narratives
        missing = [
            s for s in report.format.sections if s.narrative and s.narrative not in narratives
        ]
        for s in missing:
            name = NARRATIVE_FILES[s.narrative or ""]
            if tree.kind(f"{year}/{name}") is not None:
                continue  # present but unreadable: already reported
            msg = f"缺少{s.heading}的正文文件 {name}"
            problems.append(Problem(display_path(shown, name), 1, 1, "error", msg))
    return report


def load_report_file(path: Path, shown: str, problems: list[Problem]) -> Report | None:
    """A report.yaml on its own (a git blob, say): its year is the one it states."""
    tree = Tree(path.parent, os.path.realpath(path.parent))
    r, root = _open_yaml(tree, path.name, shown, problems)
    if root is None:
        return None
    from yaml.nodes import MappingNode  # loaded by parse_yaml already

    entries = root.value if isinstance(root, MappingNode) else []
    year = next((v.value for k, v in entries if getattr(k, "value", None) == "year"), "")
    report = read_report(r, root, str(year), "")
    problems.extend(r.problems)
    return report


def _load_narratives(tree: Tree, year: str, shown: str, problems: list[Problem]) -> dict[str, str]:
    known = {name: key for key, name in NARRATIVE_FILES.items()}
    out: dict[str, str] = {}
    for f in tree.children(year):
        if f.name == "report.yaml":
            continue
        f_shown = display_path(shown, f.name)
        if f.name not in known:
            hint = suggest(f.name, [*known, "report.yaml"], "文件名")
            kind = "文件夹" if f.kind == "dir" else "文件"
            msg = f"未知的{kind}“{f.name}”，不会发布{hint}"
            problems.append(Problem(f_shown, 1, 1, "warning", msg))
            continue
        text, read_problems = _read_text(tree, f"{year}/{f.name}", f_shown)
        problems.extend(read_problems)
        if text is not None:
            out[known[f.name]] = text
            problems.extend(narrative_problems(text, f_shown))
    return out
