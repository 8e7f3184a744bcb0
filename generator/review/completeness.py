"""Completeness: R3 a sub-topic of 一 the format asks for is not covered, R4 六 does not
state the 信息处理费 position (2021 format), R5 a section is empty or still a placeholder.

What a section must cover or state is in the format description (``topics``, ``states``);
the words prose uses for each are here. A topic counts as covered when any of its words
appears anywhere in the section, so only a section that never touches it is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..model import Report
from ..problems import Problem

# Prose for each topic or statement of the format besides its own label.
_WORDS = {
    "主动公开": (),
    "依申请公开": ("依申请", "申请公开", "公开申请"),
    "政府信息管理": ("信息管理", "审查", "审核", "保密"),
    "政府信息公开平台建设": ("平台", "网站", "政务新媒体", "公开栏", "公报"),
    "监督保障": ("监督", "保障", "考核", "培训", "评议", "问责"),
    "信息处理费": ("处理费", "收费", "费用"),  # "未收取任何费用" states it too
}
# What is left in a section that nobody wrote: the shared placeholder, template marks.
# XX in capitals only, and not inside a word: www.xx.gov.cn is an address, not a blank.
_PLACEHOLDER = re.compile(
    r"待填|(?<![A-Za-z.])[XＸ]{2,}(?![A-Za-z.])|×{2,}|此处填写|（填写[^）]*）"
)
# 一 and 五 ask for substance; in 六 "无" is a fair answer.
# Every placeholder contains one of these: text with none of them (nearly all) is not
# searched with _PLACEHOLDER, whose alternatives are tried at every character.
_PLACEHOLDER_MARKS = ("待填", "X", "Ｘ", "×", "此处填写", "（填写")
_NOTHING = re.compile(r"^(?:无|暂无|略|无。|暂无。|略。|……|\.\.\.)$")
_MARKUP = re.compile(r"[#>*_`|\-\s]+")


def check_completeness(report: Report, path_of: Callable[[Report, str], str]) -> list[Problem]:
    problems: list[Problem] = []
    for section in report.format.sections:
        name = section.narrative
        if name is None or name not in report.narratives:
            continue
        text = report.narratives[name]
        path = path_of(report, name)
        bare = _MARKUP.sub("", text) if len(text) < 64 else text  # only short text can be empty
        placeholder = (
            _PLACEHOLDER.search(text) if any(m in text for m in _PLACEHOLDER_MARKS) else None
        )
        if not bare or (name != "other" and _NOTHING.match(bare)):
            msg = (
                f"{section.heading}没有写内容（只有“{bare}”）"
                if bare
                else f"{section.heading}是空的"
            )
            problems.append(Problem(path, 1, 1, "warning", msg, "R5"))
            continue
        if placeholder is not None:
            line, col = _position(text, placeholder.start())
            msg = f"{section.heading}中还有未填写的占位文字“{placeholder.group(0)}”"
            problems.append(Problem(path, line, col, "warning", msg, "R5"))
        missing = [t for t in section.topics if not _mentions(text, t)]
        if missing:
            msg = (
                f"{section.heading}没有写到{'、'.join(missing)}方面的情况"
                f"（{report.format.issued_by}要求总体情况包括{'、'.join(section.topics)}等方面）"
            )
            problems.append(Problem(path, 1, 1, "warning", msg, "R3"))
        for statement in section.states:
            if not _mentions(text, statement):
                msg = f"{section.heading}没有说明{statement}的收取情况（未收取也应写明）"
                problems.append(Problem(path, 1, 1, "warning", msg, "R4"))
    return problems


def _mentions(text: str, topic: str) -> bool:
    return any(w in text for w in (topic, *_WORDS.get(topic, ())))


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
