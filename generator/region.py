"""Pages about the whole region: the year page (who published, who did not, totals per
group and for the region, indicators ranked), the home page's multi-year trend, and the
``/data/`` page that documents every data file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from .coverage import Coverage, Totals, coverage, region_years
from .exports.parts import tidy_links, year_data_paths
from .exports.year_files import REPORT_FIELDS, TIDY_FIELDS, formats_of, members
from .figures import Chart, bar_chart, summary_labels, summary_values
from .formats import Format, Indicator, all_formats
from .indicators import Measured, cells_needed, formula, measure, measure_record, percent_text
from .model import Agency, Site, Summary
from .outputs import Page, year_path
from .tables import display


class Listed(NamedTuple):
    """An agency as a year page links it (yearmodel makes the page without agencies)."""

    slug: str
    name: str


@dataclass
class YearRow:
    agency: Agency | Listed
    values: list[str]


@dataclass
class TotalRow:
    name: str
    reports: int
    values: list[str]


@dataclass
class RankRow:
    rank: int | None  # None: no 公开率 to rank by
    agency: Agency | Listed
    measured: list[Measured]


@dataclass
class YearPage(Page):
    year: int = 0
    coverage: Coverage[Agency] | Coverage[Listed] | None = None
    labels: list[str] = field(default_factory=list)
    rows: list[YearRow] = field(default_factory=list)
    totals: list[str] = field(default_factory=list)
    groups: list[TotalRow] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    formulas: list[str] = field(default_factory=list)
    # (a list, or yearmodel.KeptRanking: its rows made when read)
    ranking: Sequence[RankRow] = field(default_factory=list)
    region_measured: list[Measured] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # its data files (exports.parts)
    # the two big tables' rows made beforehand (yearrows: Markup), or None: by the template
    rows_html: str | None = None
    ranking_html: str | None = None

    @property
    def tidy(self) -> list[tuple[str, str, int, int]]:
        """Its tidy files or their parts (exports.parts.tidy_links)."""
        return tidy_links(self.files)


def _totals_values(fmt: Format, totals: Totals) -> list[str]:
    """The key figures of a sum, in the year table's columns."""
    summary = Summary("", 0, fmt.id, tuple(totals.cells.get(k.of) for k in fmt.key_figures))
    return [display(v) for v in summary_values(summary)]


def year_page(site: Site, year: int, agencies: list[Agency]) -> YearPage:
    """``agencies`` in display order (Agency.sort_key)."""
    cov = coverage(year, agencies, site.region)
    summed = [(a, a.summaries[year]) for a in cov.published if year in a.summaries]
    rows = [YearRow(a, [display(v) for v in summary_values(s)]) for a, s in summed]
    page, fmt = year_frame(site, year, cov, rows)
    page.files = year_data_paths(year, formats_of(members(year, agencies)))
    if fmt is None:
        return page
    page.ranking = _rank([(a, measure_record(fmt, a.filed[year])) for a in cov.published])
    return page


def year_frame(
    site: Site, year: int, cov: Coverage[Agency] | Coverage[Listed], rows: list[YearRow]
) -> tuple[YearPage, Format | None]:
    """A year page but its ranking, and the year's format (None: nobody published): the
    part made the same way from all the agencies (year_page) and from the kept entries
    (yearmodel.year_page_of, whose agencies are Listed)."""
    fmt = all_formats()[cov.region.format] if cov.region.format else None
    page = YearPage(
        site,
        year_path(year),
        f"{site.region}{year}年度各机关政府信息公开工作年度报告汇总",
        breadcrumbs=[(f"{year}年度汇总", "")],
        year=year,
        coverage=cov,
        rows=rows,
        # (a year within exports.parts.PART_ROWS: the caller sets a larger one's)
        files=year_data_paths(year, ()),
    )
    if fmt is not None:
        page.labels = summary_labels(fmt)
        page.totals = _totals_values(fmt, cov.region)
        page.groups = [TotalRow(g.name, g.reports, _totals_values(fmt, g)) for g in cov.groups]
        page.indicators = list(fmt.indicators)
        page.formulas = [formula(fmt, i) for i in fmt.indicators]
        page.region_measured = measure(fmt, cov.region.cells)
    return page, fmt


def _rank(
    measured: list[tuple[Agency, list[Measured]]] | list[tuple[Listed, list[Measured]]],
) -> list[RankRow]:
    """By the first indicator (公开率), highest first; equal values share a rank; those
    without a value (no request handled) come last, unranked."""
    ranked = sorted(
        (m for m in measured if m[1] and m[1][0].value is not None),
        key=lambda m: -(m[1][0].value or Decimal(0)),
    )
    out: list[RankRow] = []
    for i, (agency, values) in enumerate(ranked, start=1):
        same = out and out[-1].measured[0].value == values[0].value
        out.append(RankRow(out[-1].rank if same else i, agency, values))
    out.extend(RankRow(None, a, v) for a, v in measured if not v or v[0].value is None)
    return out


@dataclass
class TrendRow:
    year: int
    reports: int
    expected: int
    measured: list[Measured]


@dataclass
class Trend:
    """The region's indicators year by year (home page): a table and a chart."""

    indicators: list[Indicator]
    formulas: list[str]
    rows: list[TrendRow]
    chart: Chart | None


# What the trend reads of one year: its format, reports published and expected, and the
# region's sums of the cells its indicators need; None if nothing was published. Plain
# data (str, int, dict), so a build can keep it (trendcache) and skip the year next time.
YearFigures = tuple[str, int, int, dict[str, int]] | None


def trend(site: Site, agencies: list[Agency]) -> Trend | None:
    figures = {y: year_figures(y, agencies, site.region) for y in region_years(agencies)}
    return trend_of(site, figures)


def year_figures(year: int, agencies: list[Agency], region: str) -> YearFigures:
    """``agencies`` in display order (Agency.sort_key)."""
    cov = coverage(year, agencies, region, _trend_cells())
    if cov.region.format is None:
        return None
    return (cov.region.format, len(cov.published), cov.expected, cov.region.cells)


@cache
def _trend_cells() -> frozenset[str]:
    return frozenset(c for f in all_formats().values() for c in cells_needed(f))


def trend_of(site: Site, figures: dict[int, YearFigures]) -> Trend | None:
    """The trend of the years' ``figures`` (year_figures)."""
    rows = []
    indicators: list[Indicator] = []
    formulas: list[str] = []
    for year, figured in sorted(figures.items()):
        if figured is None:
            continue
        format_id, published, expected, cells = figured
        fmt = all_formats()[format_id]
        indicators = list(fmt.indicators)  # the newest format's, named as it names them
        formulas = [formula(fmt, i) for i in fmt.indicators]
        rows.append(TrendRow(year, published, expected, measure(fmt, cells)))
    if not rows or not indicators:
        return None
    first = indicators[0]
    points = [(f"{r.year}年", round((r.measured[0].value or Decimal(0)) * 1000)) for r in rows]
    texts = [r.measured[0].text for r in rows]
    chart = bar_chart(f"{site.region}历年{first.label}", "%", points, texts)
    return Trend(indicators, formulas, rows, chart)


@dataclass(frozen=True)
class FieldDoc:
    name: str
    meaning: str


@dataclass
class DataPage(Page):
    years: list[int] = field(default_factory=list)
    tidy_fields: list[FieldDoc] = field(default_factory=list)
    summary_fields: list[FieldDoc] = field(default_factory=list)
    formats: list[Format] = field(default_factory=list)
    example: str = ""  # one report page's folder, to show where its files are
    files: dict[int, list[str]] = field(default_factory=dict)  # each year's data files

    def tidy(self, year: int) -> list[tuple[str, str, int, int]]:
        """The year's tidy files or their parts (exports.parts.tidy_links)."""
        return tidy_links(self.files[year])


TIDY_MEANINGS = {
    "agency": "机构代码（content/ 中的文件夹名，如 shanggao-kjj）",
    "agency_name": "机构全称",
    "group": "分组（agency.yaml 的 group，可为空）",
    "year": "报告年度",
    "format": "报告格式：2021 为国办公开办函〔2021〕30号格式，2019 为〔2019〕60号试行格式",
    "table": "表格代码：active 表二，requests 表三，appeals 表四",
    "table_label": "表格的官方名称",
    "row": "行代码（表四为空）",
    "row_label": "行的官方名称，如“三、（三）1.属于国家秘密”；表二前加所属条款",
    "column": "列代码",
    "column_label": "列的官方名称，多级表头用“ · ”连接",
    "value": "数值：件数为整数，金额保持报告所写的精度",
    "unit": "单位：件数为“件”，金额为报告所写单位（表二标题中已注明单位的为空）",
    "published": "发布日期（YYYY-MM-DD，未填写的为空）",
}


def data_page(
    site: Site, agencies: list[Agency], files: dict[int, list[str]] | None = None
) -> DataPage:
    """``files``: each year's data files, if known (else worked out from ``agencies``)."""
    years = region_years(agencies)
    if files is None:
        files = {y: year_data_paths(y, formats_of(members(y, agencies))) for y in years}
    example = next((f"{a.slug}/{a.years[-1]}/" for a in agencies if a.years), "")
    newest = next(iter(all_formats().values()))
    summary_fields = [FieldDoc(n, TIDY_MEANINGS[n]) for n in REPORT_FIELDS]
    summary_fields += [FieldDoc(k.key, f"主要数据：{k.label}") for k in newest.key_figures]
    summary_fields += [FieldDoc(i.key, formula(newest, i)) for i in newest.indicators]
    return DataPage(
        site,
        "data/index.html",
        "开放数据",
        breadcrumbs=[("开放数据", "")],
        years=years,
        tidy_fields=[FieldDoc(n, TIDY_MEANINGS[n]) for n in TIDY_FIELDS],
        summary_fields=summary_fields,
        formats=list(all_formats().values()),
        example=example,
        files=files,
    )


def search_page(site: Site) -> Page:
    return Page(site, "search/index.html", "搜索年报", breadcrumbs=[("搜索", "")])


__all__ = [
    "DataPage",
    "Trend",
    "YearFigures",
    "YearPage",
    "data_page",
    "percent_text",
    "trend",
    "trend_of",
    "year_figures",
    "year_page",
]
