"""Problems are values: every stage returns them instead of raising or logging."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from operator import attrgetter, itemgetter
from typing import Literal, NamedTuple, overload

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
    """(errors, warnings); of a ``Problems``, without making a Problem of its Blocks."""
    if isinstance(problems, Problems):
        return problems.counts()
    errors = warnings = 0
    for p in problems:
        if p.severity == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def summary_line(problems: Iterable[Problem], reports: int) -> str:
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
    import json  # here: only --format json prints it

    return json.dumps(doc, ensure_ascii=False, indent=2)


def relative(problems: list[Problem], prefix: str) -> list[Problem] | None:
    """``problems`` with ``prefix`` (how the content folder is shown, siteyaml.content_prefix)
    taken off their paths, to be printed under whichever prefix a later build shows
    (``rebased_text``, ``shown_under``); the same order, as the prefix is common. None when
    a path does not start with it (never so far: an agency's paths are all made from it),
    or a path or message holds a line break (a printed line is re-based where it starts)."""
    cut = len(prefix)
    for p in problems:
        if not p.path.startswith(prefix) or "\n" in p.path + p.message + p.rule:
            return None
    if not prefix:
        return problems
    return [
        Problem(p.path[cut:], p.line, p.column, p.severity, p.message, p.rule, p.key)
        for p in problems
    ]


def shown_under(problems: list[Problem], prefix: str) -> list[Problem]:
    """Problems kept ``relative`` as shown under ``prefix``."""
    if not prefix:
        return problems
    return [
        Problem(prefix + p.path, p.line, p.column, p.severity, p.message, p.rule, p.key)
        for p in problems
    ]


def rebased_text(text: str, prefix: str) -> str:
    """The printed lines of problems kept ``relative`` (each line ends in the only line break
    it holds) as shown under ``prefix``: the prefix before every line."""
    if not prefix or not text:
        return text
    return prefix + text[:-1].replace("\n", "\n" + prefix) + "\n"


class Block(NamedTuple):
    """One unchanged agency's problems as its record keeps them: already sorted, deduplicated
    and formatted, so a build that did not touch it need not make a Problem of it. Its
    paths lie in [first, last] (one agency's files: no other agency's between them)."""

    first: str
    last: str
    text: str  # each problem's format() and a newline, in order
    errors: int
    warnings: int
    rules: tuple[str, ...]
    problems: Callable[[], list[Problem]]  # the Problem objects, made on demand


class Problems(Sequence[Problem]):
    """A build's problems in print order: Problem objects (``loose``) merged with the Blocks
    of agencies that did not change. Printed and counted without making a Problem of a
    Block; indexed or iterated, it becomes the plain sorted list ``sort_problems`` makes."""

    def __init__(self, loose: Iterable[Problem], blocks: Iterable[Block] = ()) -> None:
        loose = list(loose)
        blocks = sorted(blocks, key=itemgetter(0))  # by first path
        # a Block with a loose problem in its range, or overlapping another, is merged the
        # slow way (never, for records a build made: each agency has folders of its own)
        paths = sorted(p.path for p in loose) if blocks else []
        whole: list[Block] = []
        last = ""
        for block in blocks:
            inside = bisect_left(paths, block.first) < bisect_right(paths, block.last)
            overlaps = whole and block.first <= last
            if inside or overlaps:
                loose.extend(block.problems())
                if overlaps:  # the one before, too
                    loose.extend(whole.pop().problems())
            else:
                whole.append(block)
                last = block.last
        self._loose = sort_problems(loose)
        self._blocks = whole
        self._listed: list[Problem] | None = None if whole else self._loose

    def _order(self) -> Iterator[Problem | Block]:
        """Loose problems and Blocks in print order (a Block's range holds no loose one)."""
        loose, blocks = self._loose, self._blocks
        i = 0
        for block in blocks:
            while i < len(loose) and loose[i].path < block.first:
                yield loose[i]
                i += 1
            yield block
        yield from loose[i:]

    def text(self) -> str:
        """Every problem's line, as printed."""
        if not self._blocks:
            return "".join(f"{p.format()}\n" for p in self._loose)
        return "".join(
            item.text if isinstance(item, Block) else f"{item.format()}\n" for item in self._order()
        )

    def counts(self) -> tuple[int, int]:
        errors, warnings = count(self._loose)
        for block in self._blocks:
            errors += block.errors
            warnings += block.warnings
        return errors, warnings

    def errors(self) -> list[Problem]:
        """The errors alone (Blocks without one stay as they are)."""
        found = [p for p in self._loose if p.severity == "error"]
        for block in self._blocks:
            if block.errors:
                found.extend(p for p in block.problems() if p.severity == "error")
        return sort_problems(found)

    def has_rule(self, rule: str) -> bool:
        return any(p.rule == rule for p in self._loose) or any(
            rule in block.rules for block in self._blocks
        )

    def listed(self) -> list[Problem]:
        if self._listed is None:
            made: list[Problem] = []
            for item in self._order():
                if isinstance(item, Block):
                    made.extend(item.problems())
                else:
                    made.append(item)
            self._listed = made
        return self._listed

    def with_more(self, more: Iterable[Problem]) -> Problems:
        """These and ``more`` (the site's own problems)."""
        more = list(more)
        if not more:
            return self
        return Problems([*self._loose, *more], self._blocks)

    def __len__(self) -> int:
        return len(self._loose) + sum(b.errors + b.warnings for b in self._blocks)

    @overload
    def __getitem__(self, index: int) -> Problem: ...
    @overload
    def __getitem__(self, index: slice) -> list[Problem]: ...
    def __getitem__(self, index: int | slice) -> Problem | list[Problem]:
        return self.listed()[index]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.listed())
