"""Make docs/images/schema-in-editor.png: what yaml-language-server (the server behind VS
Code's YAML extension) says about a report.yaml written by `nianbao new`, drawn as an
editor would show it: its real diagnostics (squiggles), hover and completion list.

The drawing is ours (no VS Code on this machine); every message in it comes from the
language server. Run: .venv/bin/python scripts/editor-screenshot.py
"""

from __future__ import annotations

import html
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import nianbao  # noqa: E402
from lsp import YamlLanguageServer  # noqa: E402

FIRST, LAST = 17, 33  # the lines shown (0-based, inclusive)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        portal = Path(tmp) / "p"
        nianbao("init", portal)
        content = portal / "content"
        nianbao("new-agency", "shanggao-kjj", "--name", "上高县科学技术局", "--kind", "department", "--content", content)  # fmt: skip
        nianbao("new", "shanggao-kjj", "2024", "--content", content)
        report = content / "shanggao-kjj/2024/report.yaml"
        text = report.read_text("utf-8")
        text = text.replace("[待填, 待填, 待填, 待填, 待填, 待填]", "[12, 3, 0, -1, 0, 1]", 1)
        text = text.replace("    partly_disclosed:", "    partly_disclosd: ", 1)
        report.write_text(text, "utf-8")
        lines = text.splitlines()
        ls = YamlLanguageServer(portal)
        try:
            uri = ls.open(report)
            diagnostics = ls.wait_for_diagnostics(uri)
            hover_line = next(i for i, s in enumerate(lines) if "received:" in s)
            hover = ls.hover(uri, hover_line, lines[hover_line].index("[") + 1)
            typo = next(i for i, s in enumerate(lines) if "partly_disclosd" in s)
            completion = ls.completion(uri, typo, lines[typo].index("partly_disclosd") + 9)
        finally:
            ls.close()
    page = _page(lines, diagnostics, (hover_line, hover), (typo, completion))
    out = ROOT / "docs" / "images" / "schema-in-editor.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        tab = browser.new_page(viewport={"width": 1100, "height": 620})
        tab.set_content(page)
        tab.screenshot(path=str(out))
        browser.close()
    print(f"wrote {out.relative_to(ROOT)}")


def _page(
    lines: list[str],
    diagnostics: list[dict],  # type: ignore[type-arg]
    hover: tuple[int, str],
    completion: tuple[int, list[str]],
) -> str:
    marks: dict[int, list[tuple[int, int, str]]] = {}
    for d in diagnostics:
        start, end = d["range"]["start"], d["range"]["end"]
        stop = end["character"] if end["line"] == start["line"] else len(lines[start["line"]])
        marks.setdefault(start["line"], []).append((start["character"], stop, d["message"]))
    rows = []
    for i in range(FIRST, LAST + 1):
        line = lines[i]
        spans, at = [], 0
        for a, b, message in sorted(marks.get(i, [])):
            spans.append(html.escape(line[at:a]))
            spans.append(
                f'<span class="err" title="{html.escape(message)}">{html.escape(line[a:b])}</span>'
            )
            at = b
        spans.append(html.escape(line[at:]))
        code = "".join(spans)
        extra = ""
        if i == hover[0]:
            title, _, body = hover[1].split("\n\nSource:")[0].partition("\n\n")
            title = " || ".join(dict.fromkeys(title.removeprefix("#### ").split(" || ")))
            extra += (
                f'<div class="pop hover"><b>{html.escape(title)}</b><br>{html.escape(body)}</div>'
            )
        if i == completion[0]:
            items = "".join(f"<li>{html.escape(x)}</li>" for x in completion[1][:6])
            extra += f'<ul class="pop complete">{items}</ul>'
        rows.append(
            f'<div class="row"><span class="n">{i + 1}</span><span class="code">{code}</span>{extra}</div>'
        )
    problems = "".join(
        f"<li>✖ {html.escape(d['message'])}　<span>[{d['range']['start']['line'] + 1}, {d['range']['start']['character'] + 1}]</span></li>"
        for d in sorted(diagnostics, key=lambda d: d["range"]["start"]["line"])
    )
    return f"""<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><style>
body {{ margin: 0; background: #1e1e1e; color: #d4d4d4; font: 14px/22px "WenQuanYi Micro Hei Mono", "WenQuanYi Micro Hei", monospace; }}
.bar {{ background: #2d2d2d; color: #ccc; padding: 6px 12px; font-size: 13px; }}
.row {{ position: relative; white-space: pre; }}
.n {{ display: inline-block; width: 3em; text-align: right; color: #858585; margin-right: 1.2em; }}
.err {{ text-decoration: underline wavy #f14c4c; text-underline-offset: 3px; }}
.panel {{ border-top: 1px solid #454545; margin-top: 10px; padding: 4px 12px; font-size: 13px; }}
.panel h2 {{ font-size: 12px; font-weight: normal; color: #ccc; margin: 0 0 4px; letter-spacing: .05em; }}
.panel ul {{ list-style: none; margin: 0; padding: 0; }} .panel li {{ color: #ddd; }} .panel li span {{ color: #888; }}
.pop {{ position: absolute; left: 22em; bottom: 24px; z-index: 2; background: #252526; border: 1px solid #454545; padding: 6px 10px; white-space: normal; width: 40em; box-shadow: 0 2px 8px #000; }}
.complete {{ list-style: none; margin: 0; left: 14em; top: 22px; bottom: auto; width: 16em; padding: 2px 0; }}
.complete li {{ padding: 0 10px; }} .complete li:first-child {{ background: #04395e; }}
.hover {{ color: #ccc; }}
</style><div class="bar">report.yaml — yaml-language-server 2.0.0（Schema：schemas/report-2021.schema.json）</div>
{"".join(rows)}<div class="panel"><h2>问题（PROBLEMS）</h2><ul>{problems}</ul></div></html>"""


if __name__ == "__main__":
    main()
