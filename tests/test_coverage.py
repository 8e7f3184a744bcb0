"""Who is missing, N of M, totals per group and for the region (V1–V4 hold for the sums),
and the indicators, asserted on hand-computed values."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import PORTAL, edit, nianbao
from nianbao.agencywork import load_and_check
from nianbao.coverage import coverage
from nianbao.exports.layout import cell_fields
from nianbao.formats import all_formats
from nianbao.indicators import percent_text, ratio
from nianbao.model import Agency, Filed, Report
from nianbao.reportread import add_totals
from nianbao.sources import scan
from nianbao.validate import check_report


def add_agency(content: Path, slug: str, name: str, extra: str, years: dict[int, int]) -> None:
    """A new agency whose report of each year is demo-bureau's report of another year."""
    (content / slug).mkdir()
    (content / slug / "agency.yaml").write_text(
        f"name: {name}\nkind: department\ngroup: 市政府部门\n{extra}", "utf-8"
    )
    for year, source in years.items():
        shutil.copytree(PORTAL / "demo-bureau" / str(source), content / slug / str(year))


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """demo-bureau 2019–2022; town-a 2022 (expected since 2021); old-office 2019–2020,
    abolished after 2020; gap-office 2019 and 2021 (2020 and 2022 missing)."""
    content = tmp_path_factory.mktemp("region") / "content"
    shutil.copytree(PORTAL, content)
    edit(content / "town-a/agency.yaml", "group: 乡镇", "group: 乡镇\nsince: 2021")
    add_agency(content, "old-office", "示例市旧局", "until: 2020\n", {2019: 2019, 2020: 2020})
    add_agency(content, "gap-office", "示例市缺报局", "", {2019: 2019, 2021: 2021})
    return content


@pytest.fixture(scope="module")
def site(region: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("region-site") / "site"
    run = nianbao("build", "--content", region, "--out", out)
    assert run.code == 0, run.out
    return out


def missing_list(html: str) -> list[str]:
    if "未公开年报的机关" not in html:
        return []
    part = html.split('<ul class="missing-list">')[1].split("</ul>")[0]
    return re.findall(r">([^<]+)</a>", part)


@pytest.mark.parametrize(
    ("year", "published", "expected", "missing"),
    [
        (2019, 3, 3, []),
        (2020, 2, 3, ["示例市缺报局"]),
        (2021, 2, 3, ["示例市甲镇人民政府"]),  # since: 2021; old-office abolished
        (2022, 2, 3, ["示例市缺报局"]),  # no until: still expected
    ],
)
def test_year_page_lists_who_is_missing(
    site: Path, year: int, published: int, expected: int, missing: list[str]
) -> None:
    html = (site / str(year) / "index.html").read_text("utf-8")
    assert f"应公开年报的 {expected} 个机关中，已公开 {published} 个" in html
    assert sorted(missing_list(html)) == sorted(missing)


def test_a_year_nobody_published_still_gets_its_page(portal: Path, tmp_path: Path) -> None:
    edit(portal / "town-a/agency.yaml", "group: 乡镇", "group: 乡镇\nsince: 2018")
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    html = (out / "2018/index.html").read_text("utf-8")
    assert "应公开年报的 1 个机关中，已公开 0 个" in html
    assert "暂无数据" in html
    assert missing_list(html) == ["示例市甲镇人民政府"]
    assert 'href="2018/index.html"' in (out / "index.html").read_text("utf-8")


def test_group_totals_add_the_groups_reports(site: Path) -> None:
    html = (site / "2022/index.html").read_text("utf-8")
    groups = html.split('id="groups-caption"')[1].split("</table>")[0]
    # 市政府部门: demo-bureau only (received 9); 乡镇: town-a (3); region 12
    assert re.search(
        r"市政府部门</th>\s*<td class=\"num\">1</td>\s*<td class=\"num\">9</td>", groups
    )
    assert re.search(r"乡镇</th>\s*<td class=\"num\">1</td>\s*<td class=\"num\">3</td>", groups)
    assert re.search(
        r"示例市合计</th>\s*<td class=\"num\">2</td>\s*<td class=\"num\">12</td>", groups
    )


def agencies_of(content: Path) -> list:  # type: ignore[type-arg]
    out = []
    for folder in scan(content).agencies.values():
        agency, problems = load_and_check(folder, "content")
        assert agency is not None and not [p for p in problems if p.severity == "error"]
        out.append(agency)
    return sorted(out, key=lambda a: a.sort_key)


@pytest.mark.parametrize("year", [2019, 2020, 2021, 2022])
def test_rules_v1_to_v4_hold_for_the_sums(region: Path, year: int) -> None:
    agencies = agencies_of(region)
    cov = coverage(year, agencies, "示例市")
    fmt = all_formats()[cov.region.format or ""]
    for totals in [cov.region, *cov.groups]:
        cells: dict[str, int | Decimal] = dict.fromkeys(
            (c for c in fmt.cells if c.startswith("active.")), 0
        )
        cells.update(totals.cells)
        add_totals(fmt, cells)
        report = Report("sum", year, fmt, "sum", cells, {})
        assert [p for p in check_report(report) if p.rule in ("V1", "V2", "V3", "V4")] == []
    received = "requests.received.total"
    assert cov.region.cells[received] == sum(a.reports[year].cells[received] for a in cov.published)
    assert cov.region.cells[received] > 0


def test_indicators_on_hand_computed_values(region: Path) -> None:
    (demo,) = [a for a in agencies_of(region) if a.slug == "demo-bureau"]
    report = demo.reports[2021]
    fmt = report.format
    values = {i.key: percent_text(ratio(fmt, i, report.cells)) for i in fmt.indicators}
    assert values == {
        "disclosure_rate": "42.9%",  # (予以公开 9 + 部分公开 0) ÷ 办理结果总计 21
        "withheld_rate": "28.6%",  # 不予公开 6 ÷ 21 (the rows of （三）, summed)
        "unavailable_rate": "9.5%",  # 无法提供 2 ÷ 21
        "review_correction_rate": "25.0%",  # 结果纠正 2 ÷ 已审结 (3 + 2 + 3)
        "litigation_correction_rate": "11.1%",  # (0 + 1) ÷ (0 + 0 + 3 + 2 + 1 + 3)
    }


def test_zero_denominator_shows_a_dash(portal: Path, tmp_path: Path) -> None:
    edit(portal / "town-a/2022/report.yaml", "review: [2, 1, 0, 3, 6]", "review: [0, 0, 0, 0, 0]")
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    html = (out / "2022/index.html").read_text("utf-8")
    ranking = html.split('id="rank-caption"')[1].split("</table>")[0]
    town = ranking.split("示例市甲镇人民政府")[1].split("</tr>")[0]
    assert re.findall(r'<td class="num">([^<]+)</td>', town) == [
        "33.3%",
        "33.3%",
        "33.3%",
        "—",
        "40.0%",
    ]
    assert "行政复议纠错率 = 行政复议结果纠正 ÷ 已审结（" in html  # the formula is shown


def test_ranking_is_plain_rows_highest_first(site: Path) -> None:
    html = (site / "2022/index.html").read_text("utf-8")
    ranking = html.split('id="rank-caption"')[1].split("</table>")[0]
    assert "<script" not in html
    names = re.findall(r'<th scope="row"><a [^>]+>([^<]+)</a>', ranking)
    assert names == ["示例市数据局", "示例市甲镇人民政府"]  # 41.7% before 33.3%


def test_home_page_shows_the_trend_as_chart_and_table(site: Path) -> None:
    html = (site / "index.html").read_text("utf-8")
    trend = html.split('id="trend"')[1].split("</section>")[0]
    assert 'role="img"' in trend and "<desc" in trend  # the chart's text alternative
    assert re.search(r"2022年</a></th>\s*<td class=\"num\">2 / 3</td>", trend)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("since: 二〇二一", "agency.yaml:4:8: 错误: 起始年度 since 应为整数，实为“二〇二一”"),
        (
            "since: 2021\nuntil: 2020",
            "agency.yaml:5:8: 错误: 终止年度 until（2020）早于起始年度 since（2021）",
        ),
    ],
)
def test_bad_since_until(portal: Path, text: str, message: str) -> None:
    edit(portal / "town-a/agency.yaml", "group: 乡镇", f"group: 乡镇\n{text}")
    run = nianbao("check", "--content", portal)
    assert run.code == 1
    assert run.lines[0].endswith(message), run.lines[0]


def _filed(year: int, format_id: str, seed: int) -> Filed:
    """A light record whose count cells hold small numbers, some left empty."""
    texts = [
        "" if (i + seed) % 5 == 0 else str((i * 7 + seed) % 13) if f.type == "count" else ""
        for i, f in enumerate(cell_fields(format_id))
    ]
    return Filed(year, format_id, "", ",".join(texts))


def _summed_one_by_one(records: list[Filed]) -> tuple[str | None, int, dict[str, int]]:
    """The sums as a reader would make them: the first record's format, cell by cell."""
    if not records:
        return None, 0, {}
    fmt = records[0].format
    same = [r for r in records if r.format == fmt]
    fields = cell_fields(fmt)
    cells: dict[str, int] = {}
    for r in same:
        for f, text in zip(fields, r.texts(), strict=True):
            if f.table in ("requests", "appeals") and f.type == "count" and text:
                cells[f.id] = cells.get(f.id, 0) + int(text)
    return fmt, len(same), cells


@pytest.mark.parametrize("mixed", [False, True])
def test_region_and_group_sums_equal_the_reports_added_one_by_one(mixed: bool) -> None:
    agencies = []
    for n in range(12):
        # with ``mixed``, one group's first report is in the old format (V7 would stop the
        # build; the sums still keep to the year's first format, skipping the others)
        fmt = "2019" if mixed and n == 1 else "2021"
        group = ["甲", "乙", None][n % 3]
        agencies.append(
            Agency(
                f"a{n:02}",
                f"机关{n}",
                "department",
                "",
                group=group,
                filed={2022: _filed(2022, fmt, n)},
            )
        )
    cov = coverage(2022, agencies, "示例市")
    records = [a.filed[2022] for a in agencies]
    assert (cov.region.format, cov.region.reports, cov.region.cells) == _summed_one_by_one(records)
    for name, totals in zip(["甲", "乙", "其他机构"], cov.groups, strict=True):
        members = [a.filed[2022] for a in agencies if (a.group or "其他机构") == name]
        assert (totals.format, totals.reports, totals.cells) == _summed_one_by_one(members)
    assert cov.region.cells  # the fixture sums something
    assert (cov.region.reports, cov.groups[1].format) == ((11, "2019") if mixed else (12, "2021"))
