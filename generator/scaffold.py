"""`nianbao new` and `nianbao new-agency`: start next year's report, or a new agency.

A new report is written in the format of its year with every key, the official labels in
comments and `待填` in every cell to be filled, so `check` lists what is left (P1) and a
forgotten cell never passes as 0. What last year's report already says is used: cells that
a cross-year rule makes equal to last year's figures (上年结转 = 结转下年度继续办理) are
filled in, and last year's figures that a rule adds to this year's (现行有效件数) are shown
beside the cells. All of it is read from the format's rules, not named here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .formats import Format, Rule, Term, format_for_year
from .load import SLUG, YEAR_FOLDER, load_agency
from .markdown import strip_comments
from .model import AGENCY_KINDS, NARRATIVE_FILES, Report, Value
from .problems import Problem
from .reportyaml import dump_report, schema_comment, schema_file_name, schema_path
from .schema import write_schemas
from .yamlsource import PLACEHOLDER


class Refused(Exception):
    """The command cannot go ahead; the message says why, in Chinese."""


@dataclass
class Written:
    files: list[Path] = field(default_factory=list)
    filled: int = 0  # cells filled in from last year's report
    previous: int | None = None  # the year they came from


def new_report(content: Path, agency: str, year: int) -> Written:
    """Write content/AGENCY/YEAR/: report.yaml and the narrative files. Never overwrites."""
    if not SLUG.fullmatch(agency):  # also keeps the new folder inside content/
        raise Refused(f"机构文件夹名“{agency}”不合规：只能用小写字母 a-z、数字和连字符“-”")
    folder = content / agency
    if not (folder / "agency.yaml").is_file():
        raise Refused(
            f"找不到机构 {agency}（{folder}/agency.yaml 不存在）；"
            f"新机构请先运行 nianbao new-agency {agency} --name 全称 --kind 类型"
        )
    fmt = format_for_year(year)
    if fmt is None:
        raise Refused(f"不支持 {year} 年度的年报：只支持 2019 年及以后的两种国家格式")
    target = folder / str(year)
    if target.exists() and any(target.iterdir()):
        raise Refused(f"{target}/ 已存在且不为空，不会覆盖；如要重新生成，请先删除或改名")
    name, reports = _agency(folder)
    previous = reports.get(year - 1)
    cells, notes = carried(fmt, previous)
    schemas = content.parent / "schemas"
    written = Written(filled=len(cells), previous=previous.year if previous else None)
    if not (schemas / schema_file_name(fmt.id)).exists():
        written.files.extend(write_schemas(schemas))
    report_file = target / "report.yaml"
    header = [
        schema_comment(schema_path(report_file, schemas, fmt.id)),
        f"{name} {year} 年政府信息公开工作年度报告：表二、表三、表四的数据",
        f"格式：{fmt.title}",
        "把每个“待填”改为实际数字，没有的填 0；nianbao check 会按表列出尚未填写的单元格。",
        "表三每行可写 6 个数（总计由程序计算）或 7 个数（最后一个是总计，会核对）。",
        f"published: {year + 1}-01-20  # 发布日期：发布时去掉开头的“#”并填写（用于检查发布期限）",
    ]
    text = dump_report(
        fmt, to_fill(fmt, cells), notes, top={"year": str(year)}, header=header, fees={}
    )
    target.mkdir(parents=True, exist_ok=True)
    files = {"report.yaml": text, **narratives(fmt, year, previous)}
    for name, text in files.items():
        path = target / name
        with path.open("x", encoding="utf-8", newline="\n") as f:  # "x": never overwrite
            f.write(text)
        written.files.append(path)
    return written


def to_fill(fmt: Format, known: dict[str, Value]) -> dict[str, Value | str]:
    """Every cell report.yaml must hold: the known value, else the placeholder 待填.
    Optional totals (the 总计 column, the （七）总计 row) are left out unless known."""
    cells: dict[str, Value | str] = {}
    for cid, spec in fmt.cells.items():
        optional = spec.column[-1].optional or any(n.optional for n in spec.row)
        if cid in known:
            cells[cid] = known[cid]
        elif not optional:
            cells[cid] = PLACEHOLDER
    return cells


def _agency(folder: Path) -> tuple[str, dict[int, Report]]:
    """The agency's name and its reports as far as they can be read (their own problems
    are check's business)."""
    problems: list[Problem] = []
    agency = load_agency(folder, str(folder), problems)
    return (agency.name, agency.reports) if agency else (folder.name, {})


# ---------------------------------------------------------------------------------------
# What last year's report gives this year's


def carried(fmt: Format, previous: Report | None) -> tuple[dict[str, Value], dict[str, str]]:
    """Cells filled from last year's report, and notes showing last year's figures.

    A cross-year rule whose right side is last year's alone (X1: 上年结转 = last year's
    结转下年度继续办理; X3) fills its left cell; one that mixes in this year's cells (X2:
    现行有效件数) puts last year's figures beside the cell instead.
    """
    cells: dict[str, Value] = {}
    notes: dict[str, str] = {}
    if previous is None:
        return cells, notes
    for rule in fmt.rules:
        if not rule.across_years or len(rule.left) != 1 or rule.left[0].previous:
            continue
        if rule.previous_formats and previous.format.id not in rule.previous_formats:
            continue
        _apply(rule, fmt, previous, cells, notes)
    return cells, notes


def _apply(
    rule: Rule, fmt: Format, previous: Report, cells: dict[str, Value], notes: dict[str, str]
) -> None:
    targets = _cells_of(fmt, rule.left[0].path)
    past = [t for t in rule.right if t.previous]
    only_past = len(past) == len(rule.right)
    for i, target in enumerate(targets):
        found = [_past_value(previous, t, i) for t in past]
        values = [v for v in found if v is not None]
        if len(values) < len(found):
            continue  # last year's figure is missing or unreadable: leave the cell to fill
        if only_past:
            total: Value = 0
            for v, t in zip(values, past, strict=True):
                total += v * t.sign
            cells[target] = total
            continue
        shown = "，".join(
            f"{_label(previous.format, t, i)} {v}" for v, t in zip(values, past, strict=True)
        )
        notes[target] = f"上年（{previous.year} 年）{shown}"


def _past_value(previous: Report, term: Term, i: int) -> Value | None:
    cells = _cells_of(previous.format, term.path)
    return previous.cells.get(cells[i]) if i < len(cells) else None


def _label(fmt: Format, term: Term, i: int) -> str:
    spec = fmt.cells[_cells_of(fmt, term.path)[i]]
    return spec.column[-1].label


def _cells_of(fmt: Format, path: str) -> tuple[str, ...]:
    """A rule term as cell ids: itself, or a matrix row as one cell per column."""
    if path in fmt.cells:
        return (path,)
    table = fmt.tables[path.split(".")[0]]
    return tuple(f"{path}.{c.key}" for c in table.leaf_columns)


# ---------------------------------------------------------------------------------------
# Narrative files


def narratives(fmt: Format, year: int, previous: Report | None) -> dict[str, str]:
    """Each narrative file, opening with the official outline; notes in comments, which
    are never published."""
    out: dict[str, str] = {}
    for section in fmt.sections:
        if not section.narrative:
            continue
        lines = [
            f"<!-- {section.heading}（{year} 年度）。标题由网站自动生成，不要写在正文里；",
            "     这样的注释不会发布。 -->",
            "",
        ]
        for i, topic in enumerate(section.topics):  # （一）主动公开 …
            lines += [f"## （{_NUMERALS[i]}）{topic}", "", PLACEHOLDER, ""]
        if section.narrative == "problems" and previous is not None:
            lines += _last_years_problems(previous)
        if section.narrative == "other":
            lines += [
                "<!-- 信息处理费：发出收费通知的件数、收费通知总金额和实际收取总金额填在",
                "     report.yaml 的 processing_fees 中，网站据此在本部分列出，这里不必重复。 -->",
                "",
            ]
        if not section.topics:
            lines += ["待填", ""]
        out[NARRATIVE_FILES[section.narrative]] = "\n".join(lines).rstrip("\n") + "\n"
    return out


_NUMERALS = "一二三四五六七八九十"


def _last_years_problems(previous: Report) -> list[str]:
    text = strip_comments(previous.narratives.get("problems", "")).strip()
    if not text:
        return []
    quoted = [f"> {line}".rstrip() for line in text.replace("-->", "—>").splitlines()]
    return [
        f"<!-- 供参考（不会发布）：{previous.year} 年度报告的“存在的主要问题及改进情况”。",
        "     请对照说明这些问题今年的改进情况。",
        "",
        *quoted,
        "-->",
        "",
    ]


# ---------------------------------------------------------------------------------------
# new-agency


def new_agency(
    content: Path,
    slug: str,
    name: str,
    kind: str,
    short_name: str | None = None,
    group: str | None = None,
) -> Path:
    """Write content/SLUG/agency.yaml. Never overwrites."""
    if not SLUG.fullmatch(slug) or YEAR_FOLDER.fullmatch(slug):
        raise Refused(
            f"机构文件夹名“{slug}”不合规：只能用小写字母 a-z、数字和连字符“-”，"
            "不能是年份，如 shanggao-kjj"
        )
    if kind not in AGENCY_KINDS:
        choices = "、".join(f"{k}（{v}）" for k, v in AGENCY_KINDS.items())
        raise Refused(f"机构类型 --kind 应为 {choices}之一，实为“{kind}”")
    if not name.strip():
        raise Refused("机构全称 --name 不能为空")
    folder = content / slug
    if folder.exists():
        raise Refused(f"{folder}/ 已存在，不会覆盖")
    lines = [
        "# 机构信息（见 docs/content-model.md）",
        f"name: {_quote(name.strip())}  # 机构全称",
    ]
    if short_name:
        lines.append(f"short_name: {_quote(short_name)}  # 简称")
    lines.append(f"kind: {kind}  # {AGENCY_KINDS[kind]}：决定发布期限（《条例》第四十九条）")
    if group:
        lines.append(f"group: {_quote(group)}  # 首页上列在哪个分组下")
    else:
        lines.append("# group: 县政府部门  # 可选：首页上列在哪个分组下")
    lines += [
        "# order: 10  # 可选：分组内的排序",
        "# contact:  # 可选：联系方式",
        "#   address: 地址",
        "#   phone: 电话",
    ]
    folder.mkdir(parents=True)
    path = folder / "agency.yaml"
    with path.open("x", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    return path


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
