"""A narrative of plain paragraphs and headings is written out without markdown-it
(markdown._plain_html): the HTML must be exactly what markdown-it makes of it, on every
narrative at hand and on random text full of Markdown's pitfalls."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nianbao.markdown import _plain_html, parsed_html, render_markdown, strip_comments

FIXTURES = Path(__file__).parent / "fixtures"
NARRATIVES = sorted(FIXTURES.rglob("*.md"))


@pytest.mark.parametrize("path", NARRATIVES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_narrative_renders_the_same(path: Path) -> None:
    source = strip_comments(path.read_text(encoding="utf-8"))
    plain = _plain_html(source)
    if plain is not None:
        assert plain == parsed_html(source)


def test_real_narratives_take_the_plain_way() -> None:
    """Headings and paragraphs, as clerks write them: a plain way that always declined
    would pass every other test here."""
    real = sorted((FIXTURES / "real-reports" / "content").rglob("overview.md"))
    assert real
    for path in real:
        assert _plain_html(path.read_text(encoding="utf-8")) is not None, path


def test_what_markdown_means_is_parsed() -> None:
    for source in [
        "- 一项",
        "1. 一项",
        "2021) 年",
        "正文\n---",
        "正文\n===",
        "> 引用",
        "    代码",
        "**加粗**",
        "a_b_",
        "[链接](http://x.cn)",
        "注释[^1]\n\n[^1]: 说明",
        "A & B",
        "行末两个空格  \n下一行",
        "　　首行缩进",
        "| a | b |\n| - | - |",
        "## 标题 ##",
        "#标题",
    ]:
        assert _plain_html(source) is None, source


def test_headings_move_down_and_quotes_are_escaped() -> None:
    source = '# 一\n\n## （一）主动公开\n说“是”和"是"\n第二行\n\n###### 六'
    expected = (
        "<h3>一</h3>\n<h3>（一）主动公开</h3>\n<p>说“是”和&quot;是&quot;\n第二行</p>\n<h6>六</h6>\n"
    )
    assert _plain_html(source) == expected == parsed_html(source)
    assert render_markdown(source) == expected


PIECES = st.sampled_from(
    [
        *"政府信息公开ab1 \n#\"-+=.)　:('^$%@{}/。，“”\u2028\x85\x0c\t\u00a0\u200b\ufeff\r",
        "1.",
        "1)",
        "## ",
        "# ",
        "###### ",
        "####### ",
        "\n\n",
        "  ",
        "\n   ",
        "\n    ",
        "http://x.cn",
        "www.a.cn",
        "---",
        "===",
        " #",
        "#x",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_random_text_renders_the_same(source: str) -> None:
    plain = _plain_html(source)
    if plain is not None:
        assert plain == parsed_html(source)
