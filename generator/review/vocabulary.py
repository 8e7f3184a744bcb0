"""How report prose names the quantities the tables hold.

The tables' own labels come from the format description (a result row's label, a table 四
column, an applicant column); what is listed here is only the prose around them — the verbs
and short names clerks write ("受理…申请", "复议", "顺延到下年度") — each tied to the format's
cell keys. A reading is a tuple of cells whose sum the figure should equal; a quantity has
one or more readings, and a figure that matches any of them is not a mismatch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..formats import Format, Node

# Between a verb and its noun: no clause punctuation, no other quantity's noun.
_GAP = r"(?:(?!复议|诉讼|结转)[^，,。；;、：:（）()\n]){0,14}?"


@dataclass(frozen=True)
class Term:
    """A phrase that names a quantity (kind ``quantity``) or narrows the one in context
    (kind ``result``: a table 四 column; kind ``applicant``: a table 三 column)."""

    pattern: re.Pattern[str]
    kind: str
    topic: str  # requests | appeals | active | fees
    key: str  # cell id template, a table 四 group, or a column key
    readings: tuple[tuple[str, ...], ...] = ()


def _q(pattern: str, topic: str, key: str, *readings: tuple[str, ...]) -> Term:
    return Term(re.compile(pattern), "quantity", topic, key, readings or ((key,),))


# Requests: ``{col}`` is the applicant column, 总计 unless the clause names one.
_RECEIVED = "requests.received.{col}"
_CARRIED_OVER = "requests.carried_over.{col}"
_REQUEST_TERMS = (
    # a total of "received" may or may not include the requests carried over
    _q(
        r"(?:收到|受理|新收|接收|接到)了?(?:各类|群众|公众|社会)?的?(?:书面|网上|线上|当面)?"
        r"(?:政府信息公开|信息公开|依申请公开|公开)?申请",
        "requests",
        _RECEIVED,
        (_RECEIVED,),
        (_RECEIVED, _CARRIED_OVER),
    ),
    _q(r"(?:上一?年度?|去年)(?:度)?结转", "requests", _CARRIED_OVER),
    _q(
        r"(?:结转|顺延|转入|延续|延期)(?:到|至|入)?(?:下一?年度?|次年|明年|\d{4}\s*年)"
        r"(?:继续)?(?:办理|答复|处理)?",
        "requests",
        "requests.carried_forward.{col}",
    ),
    _q(r"(?:办结|(?<!予以)答复|办理完毕)(?!率)", "requests", "requests.results.total.{col}"),
)

# Prose names of table 四 groups; the format's own group labels are added to these.
_APPEAL_GROUP_WORDS = {
    "review": (r"复议(?!后)",),
    "litigation_direct": (r"直接起诉", r"直接提起(?:行政)?诉讼"),
    "litigation_after_review": (r"复议后(?:提起)?(?:行政)?(?:起诉|诉讼)",),
}
# Prose for the whole of 行政诉讼 (the format groups its two rows under that label).
_LITIGATION_WORDS = (r"诉讼",)
# Prose names of table 四 result columns besides their labels.
_APPEAL_RESULT_WORDS = {"upheld": ("维持",), "corrected": ("纠正", "纠错"), "pending": ("未审结",)}

# Table 二: the verb tells the column; a noun without one is left alone.
_ACTIVE_VERBS = {
    "issued": r"(?:制发|印发|出台|制定)",
    "repealed": r"废止",
    "in_force": r"现行有效",
}
_ACTIVE_NOUNS = {"regulations": r"规章(?!制度)", "normative_documents": r"规范性文件"}
_DECISIONS = {
    "licensing": "行政许可",
    "penalties": "行政处罚",
    "coercive_measures": "行政强制",
}


def _plain(label: str) -> str:
    """A row label as prose writes it: no enumerator, no bracketed note."""
    label = re.sub(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)", "", label)
    return re.sub(r"（[^）]*）$", "", label)


@cache
def terms(fmt: Format) -> tuple[Term, ...]:
    """Every term for a format: the prose above plus the format's own labels."""
    out: list[Term] = list(_REQUEST_TERMS)
    requests = fmt.tables.get("requests")
    if requests is not None:
        results = next((r for r in requests.rows if r.key == "results"), None)
        for row in results.children if results else ():
            if row.total or row.key == "other":
                continue  # （七）总计 and （六）其他处理 are no phrase prose uses for one row
            key = f"requests.results.{row.key}.{{col}}"
            out.append(_q(re.escape(_plain(row.label)), "requests", key))
            for sub in row.children:
                if len(_plain(sub.label)) >= 4:  # "3.其他" names nothing on its own
                    sub_key = f"requests.results.{row.key}.{sub.key}.{{col}}"
                    out.append(_q(re.escape(_plain(sub.label)), "requests", sub_key))
        for column in requests.columns:
            out.extend(_applicant_terms(column))
    appeals = fmt.tables.get("appeals")
    if appeals is not None:
        out.extend(_appeal_terms(appeals.columns))
    active = fmt.tables.get("active")
    if active is not None:
        for noun_key, noun in _ACTIVE_NOUNS.items():
            for column_key, verb in _ACTIVE_VERBS.items():
                cell = f"active.{noun_key}.{column_key}"
                if cell in fmt.cells:
                    out.append(_q(rf"{verb}{_GAP}{noun}", "active", cell))
        for key, word in _DECISIONS.items():
            decisions = [c for c in (f"active.{key}", f"active.{key}.decisions") if c in fmt.cells]
            if decisions:
                pattern = rf"{word}(?:处理)?决定|(?:作出|办理|办结){_GAP}{word}(?!事项)"
                out.append(_q(pattern, "active", decisions[0]))
        if "active.fees" in fmt.cells:
            out.append(_q(r"行政事业性收费", "money", "active.fees"))
    out.append(_q(r"信息处理费", "fees", "fees.collected"))
    return tuple(out)


def _applicant_terms(node: Node) -> list[Term]:
    out: list[Term] = []
    if node.total:
        return out
    keys = tuple(leaf.key for leaf in node.leaves if leaf.key and not leaf.total)
    if node.key != "other" and keys and node.label not in ("申请人情况",):
        pattern = re.escape(node.label)
        if node.children:  # 法人或其他组织: prose often writes just 法人
            pattern = rf"{pattern}|法人(?:和|及)?(?:其他)?组织|法人"
        out.append(Term(re.compile(pattern), "applicant", "requests", ",".join(keys)))
    for child in node.children:
        out.extend(_applicant_terms(child))
    return out


def _appeal_terms(columns: tuple[Node, ...]) -> list[Term]:
    out: list[Term] = []
    results: dict[str, str] = {}
    groups: list[str] = []
    for column in columns:
        keyed = [column] if column.key else [c for c in column.children if c.key]
        for group in keyed:
            assert group.key is not None
            groups.append(group.key)
            words = [re.escape(group.label), *_APPEAL_GROUP_WORDS.get(group.key, ())]
            cell = f"appeals.{group.key}.total"
            out.append(_q("|".join(words), "appeals", group.key, (cell,)))
            for leaf in group.children:
                if leaf.key and not leaf.total:
                    results[leaf.key] = leaf.label
        if not column.key:  # 行政诉讼: the sum of its keyed rows
            cells = tuple(f"appeals.{c.key}.total" for c in column.children if c.key)
            words = [re.escape(column.label), *_LITIGATION_WORDS]
            out.append(
                _q(
                    "|".join(words),
                    "appeals",
                    ",".join(c.key or "" for c in column.children if c.key),
                    cells,
                )
            )
    for key, label in results.items():
        words = [re.escape(label), *_APPEAL_RESULT_WORDS.get(key, ())]
        out.append(Term(re.compile("|".join(words)), "result", "appeals", key))
    return out


# A word every quantity term contains: a sentence with none of them names no quantity, and
# a few substring tests say so much faster than the terms' patterns.
_KEYWORDS: tuple[str, ...] = ("申请", "结转", "顺延", "转入", "延续", "延期", "办结", "答复")
_KEYWORDS += ("办理完毕", "复议", "诉讼", "起诉", "规章", "规范性文件", "决定", "行政许可")
_KEYWORDS += ("行政处罚", "行政强制", "行政事业性收费", "信息处理费")


@cache
def keywords(fmt: Format) -> tuple[str, ...]:
    """The words above and the labels of the result rows the format names."""
    labels = (
        re.sub(r"\\(.)", r"\1", t.pattern.pattern)
        for t in terms(fmt)
        if t.key.startswith("requests.results.")
    )
    return tuple(dict.fromkeys((*_KEYWORDS, *labels)))


@cache
def _keyword_pattern(fmt: Format) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(k) for k in keywords(fmt)))


def names_a_quantity(text: str, fmt: Format) -> bool:
    return _keyword_pattern(fmt).search(text) is not None
