"""Generate a synthetic but valid portal: N agencies × M years, consistent across years.

    python benchmarks/synth.py OUT_DIR --agencies 143 --years 7

Every report passes `nianbao check` without errors: table 三 adds up in every row and
column, each year carries over last year's 结转, 2021-format 现行有效件数 follow from the
year before. Years start at 2019, so every portal of two or more years spans the 2020→2021 format change.
Narratives have realistic lengths (总体情况 ~3 KB with sub-headings, 问题 ~0.6 KB).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

R21 = [
    ("disclosed", None),
    ("partly_disclosed", None),
    *[
        ("withheld", k)
        for k in [
            "state_secret",
            "prohibited_by_law",
            "security_stability",
            "third_party_rights",
            "internal_affairs",
            "process_information",
            "enforcement_files",
            "administrative_query",
        ]
    ],
    *[("unavailable", k) for k in ("not_held", "needs_creation", "unclear")],
    *[
        ("not_processed", k)
        for k in ("petitions", "repeated", "publications", "excessive", "confirmation")
    ],
]
OTHER21 = [("other", k) for k in ("no_correction", "fee_unpaid", "other")]
KINDS = ["department", "department", "department", "government", "township"]
GROUPS = {"department": "市政府部门", "government": "县（区）人民政府", "township": "乡镇（街道）"}

PARAGRAPH = (
    "{name}坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《中华人民共和国政府信息公开条例》，"
    "围绕中心工作和群众关切，着力提升政府信息公开质量，推进政务公开标准化规范化建设，"
    "{year}年共主动公开政府信息{n}条，其中政策文件{m}件，政策解读{k}篇。"
)
TOPICS = ["主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障"]


def row(values: list[int]) -> str:
    return "[" + ", ".join(str(v) for v in [*values, sum(values)]) + "]"


def requests_yaml(rng: random.Random, fmt: int, carried: list[int]) -> tuple[str, list[int]]:
    received = [
        rng.randint(0, 60),
        rng.randint(0, 8),
        rng.randint(0, 1),
        0,
        rng.randint(0, 3),
        rng.randint(0, 2),
    ]
    pool = [a + b for a, b in zip(received, carried, strict=True)]
    forward = [p // 5 for p in pool]
    handled = [p - f for p, f in zip(pool, forward, strict=True)]
    leaves = R21 + (OTHER21 if fmt == 2021 else [("other", None)])
    alloc = {leaf: [0] * 6 for leaf in leaves}
    for c in range(6):
        left = handled[c]
        for leaf in leaves:
            take = rng.randint(0, left) if leaf != leaves[-1] else left
            take = min(take, left // 2 + 1) if leaf != leaves[-1] else take
            alloc[leaf][c] += take
            left -= take
    lines = [
        "requests:",
        f"  received: {row(received)}",
        f"  carried_over: {row(carried)}",
        "  results:",
    ]
    group = None
    for g, k in leaves:
        if g in ("withheld", "unavailable", "not_processed") or (g == "other" and k):
            if g != group:
                lines.append(f"    {g}:")
                group = g
            lines.append(f"      {k}: {row(alloc[(g, k)])}")
        else:
            group = None
            lines.append(f"    {g}: {row(alloc[(g, k)])}")
    lines.append(f"    total: {row(handled)}")
    lines.append(f"  carried_forward: {row(forward)}")
    return "\n".join(lines), forward


def appeals_yaml(rng: random.Random) -> str:
    out = ["appeals:"]
    for k in ("review", "litigation_direct", "litigation_after_review"):
        out.append(f"  {k}: {row([rng.randint(0, 4) for _ in range(4)])}")
    return "\n".join(out)


def narrative(rng: random.Random, name: str, year: int) -> str:
    parts = [
        PARAGRAPH.format(
            name=name,
            year=year,
            n=rng.randint(100, 3000),
            m=rng.randint(1, 40),
            k=rng.randint(1, 30),
        )
    ]
    for i, topic in enumerate(TOPICS):
        parts.append(f"## （{'一二三四五'[i]}）{topic}")
        parts.append(
            " ".join(
                [
                    PARAGRAPH.format(
                        name=name,
                        year=year,
                        n=rng.randint(10, 900),
                        m=rng.randint(1, 9),
                        k=rng.randint(1, 9),
                    )
                ]
                * 2
            )
        )
    return "\n\n".join(parts) + "\n"


def generate(out: Path, agencies: int, years: int, first: int = 2019, seed: int = 1) -> int:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "site.yaml").write_text(
        "title: 合成测试门户政府信息公开工作年度报告\nregion: 合成市\nbase_url: /\n"
        "url: https://www.example.gov.cn/ndbg/\nfooter:\n  organizer: 合成市人民政府办公室\n",
        "utf-8",
    )
    count = 0
    last_year = first + years - 1
    for a in range(agencies):
        slug = f"agency-{a:05d}"
        kind = KINDS[a % len(KINDS)]
        name = f"合成市第{a + 1}{'局' if kind == 'department' else '区人民政府' if kind == 'government' else '镇人民政府'}"
        folder = out / slug
        folder.mkdir(exist_ok=True)
        (folder / "agency.yaml").write_text(
            f"name: {name}\nkind: {kind}\ngroup: {GROUPS[kind]}\norder: {a}\n", "utf-8"
        )
        carried = [0] * 6
        in_force = {"regulations": rng.randint(0, 5), "normative_documents": rng.randint(5, 40)}
        prior = {
            k: rng.randint(5, 60)
            for k in ("licensing", "other_services", "penalties", "coercive_measures", "fees")
        }
        for year in range(first, last_year + 1):
            fmt = 2021 if year >= 2021 else 2019
            req, carried = requests_yaml(rng, fmt, carried)
            if fmt == 2021:
                lines = ["active:"]
                for k in ("regulations", "normative_documents"):
                    issued, repealed = rng.randint(0, 3), rng.randint(0, 2)
                    repealed = min(repealed, in_force[k] + issued)
                    if year > 2021 or year > first:
                        in_force[k] += issued - repealed
                    lines.append(
                        f"  {k}: {{issued: {issued}, repealed: {repealed}, in_force: {in_force[k]}}}"
                    )
                lines.append(
                    f"  licensing: {rng.randint(0, 5000)}\n  penalties: {rng.randint(0, 900)}"
                )
                lines.append(
                    f"  coercive_measures: {rng.randint(0, 50)}\n  fees: {rng.randint(0, 99999)}.{rng.randint(0, 99):02d}"
                )
            else:
                lines = ["active:"]
                for k in ("regulations", "normative_documents"):
                    lines.append(
                        f"  {k}: {{new_made: 1, new_published: 1, total_published: {in_force[k] + 1}}}"
                    )
                for k in ("licensing", "other_services", "penalties", "coercive_measures"):
                    change = rng.randint(-2, 3)
                    lines.append(
                        f"  {k}: {{prior_items: {prior[k]}, change: {change}, decisions: {rng.randint(0, 900)}}}"
                    )
                    prior[k] += change
                change = rng.randint(-1, 1)
                lines.append(f"  fees: {{prior_items: {prior['fees']}, change: {change}}}")
                prior["fees"] += change
                lines.append(
                    f"  procurement: {{projects: {rng.randint(0, 30)}, amount: {rng.randint(0, 900)}.5, unit: 万元}}"
                )
            text = (
                f"year: {year}\npublished: {year + 1}-01-15\n\n"
                + "\n".join(lines)
                + "\n\n"
                + req
                + "\n\n"
                + appeals_yaml(rng)
                + "\n"
            )
            yf = folder / str(year)
            yf.mkdir(exist_ok=True)
            (yf / "report.yaml").write_text(text, "utf-8")
            (yf / "overview.md").write_text(narrative(rng, name, year), "utf-8")
            (yf / "problems.md").write_text(
                "一是政策解读的形式还不够丰富，图解、视频等解读方式运用不多。二是依申请公开答复的规范性有待进一步提高。\n\n下一步，我们将加强业务培训，完善工作机制，不断提升政府信息公开工作水平。\n",
                "utf-8",
            )
            (yf / "other.md").write_text("本年度未收取信息处理费。\n", "utf-8")
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--agencies", type=int, default=143)
    parser.add_argument("--years", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    n = generate(args.out, args.agencies, args.years, seed=args.seed)
    print(f"{n} reports in {args.out}")


if __name__ == "__main__":
    main()
