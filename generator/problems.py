"""Problems are values: every stage returns them instead of raising or logging."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from operator import attrgetter
from typing import Literal

Severity = Literal["error", "warning"]

SEVERITY_LABEL = {"error": "错误", "warning": "警告"}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located as precisely as the source allows."""

    path: str
    line: int
    column: int
    severity: Severity
    message: str
    rule: str = ""
    key: str = ""

    def format(self) -> str:
        rule = f" [{self.rule}]" if self.rule else ""
        label = SEVERITY_LABEL[self.severity]
        column = f":{self.column}" if self.column else ""  # 0: only the line is known
        return f"{self.path}:{self.line}{column}: {label}: {self.message}{rule}"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sorted by file, then position; duplicates (one cause seen twice) dropped.

    Sorted on every field, so equal problems end up side by side and are dropped by
    comparing keys: no hashing of each Problem (a build may list 10,000 warnings, on every
    build), and ties are ordered the same way in every run."""
    ordered = sorted(problems, key=_ORDER)
    keys = list(map(_ORDER, ordered))
    before = [None, *keys][: len(keys)]  # each problem's predecessor's key
    return [p for p, k, b in zip(ordered, keys, before, strict=True) if k != b]


_ORDER = attrgetter("path", "line", "column", "severity", "message", "rule", "key")


def count(problems: Iterable[Problem]) -> tuple[int, int]:
    errors = warnings = 0
    for p in problems:
        if p.severity == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def summary_line(problems: list[Problem], reports: int) -> str:
    errors, warnings = count(problems)
    if not errors and not warnings:
        return f"检查通过：{reports} 份年报，没有发现问题。"
    return f"共 {errors} 个错误，{warnings} 个警告（{reports} 份年报）。"


def to_json(problems: list[Problem], reports: int) -> str:
    errors, warnings = count(problems)
    doc = {
        "reports": reports,
        "errors": errors,
        "warnings": warnings,
        "problems": [asdict(p) for p in problems],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)
