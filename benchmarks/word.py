"""What site.yaml `word: true` costs a build: the same synthetic portal built without and
with Word documents, cold and after one edit. Prints figures.

    python benchmarks/word.py --agencies 20 --years 7
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import edit_one_report, nianbao, timed
from synth import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agencies", type=int, default=20)
    parser.add_argument("--years", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        portal = Path(tmp) / "content"
        reports = generate(portal, args.agencies, args.years)
        print(f"{reports} 份年报（{args.agencies} 个机构 × {args.years} 个年度）")
        for word in (False, True):
            if word:
                with (portal / "site.yaml").open("a", encoding="utf-8") as f:
                    f.write("word: true\n")
            out = Path(tmp) / f"site-{word}"
            shutil.rmtree(out, ignore_errors=True)
            cold, peak, _ = timed(nianbao("build", "--content", str(portal), "--out", str(out)))
            edit_one_report(portal, 1)
            warm, _, _ = timed(nianbao("build", "--content", str(portal), "--out", str(out)))
            documents = list(out.rglob("*.docx"))
            size = sum(p.stat().st_size for p in documents) / max(len(documents), 1) / 1024
            label = "word: true " if word else "word: false"
            print(
                f"{label}  冷构建 {cold:.2f} 秒（每份 {cold / reports * 1000:.1f} 毫秒），"
                f"改一份后 {warm:.2f} 秒，峰值内存 {peak / 2**20:.0f} MiB，"
                f"Word 文档 {len(documents)} 个，平均 {size:.0f} KB"
            )


if __name__ == "__main__":
    main()
