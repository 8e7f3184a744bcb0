"""The format descriptions themselves: complete, consistent, and in the official style.

A new format is a new description file; these checks are what it must pass."""

from __future__ import annotations

import re

import pytest
from nianbao.formats import all_formats, format_for_year, leaf_paths
from nianbao.validate import _expand

FORMATS = sorted(all_formats())


def test_both_national_formats_are_known_and_cover_their_years() -> None:
    assert FORMATS == ["2019", "2021"]
    assert [format_for_year(y).id for y in (2019, 2020, 2021, 2026)] == [
        "2019",
        "2019",
        "2021",
        "2021",
    ]
    assert format_for_year(2018) is None


@pytest.mark.parametrize(("fmt_id", "cells"), [("2021", 10 + 175 + 15), ("2019", 22 + 161 + 15)])
def test_cell_counts_match_the_official_tables(fmt_id: str, cells: int) -> None:
    assert len(all_formats()[fmt_id].cells) == cells


@pytest.mark.parametrize("fmt_id", FORMATS)
def test_rules_and_key_figures_name_real_cells(fmt_id: str) -> None:
    fmt = all_formats()[fmt_id]
    for rule in fmt.rules:
        for term in (*rule.left, *rule.right):
            target = all_formats()["2021" if term.previous and fmt_id == "2021" else fmt_id]
            assert all(c in target.cells for c in _expand(target, term.path)), (rule.id, term.path)
    rows = {
        f"{t.key}." + ".".join(n.key or "" for n in path[:depth])
        for t in fmt.tables.values()
        for path in leaf_paths(t.rows)
        for depth in range(1, len(path) + 1)
    }
    for figure in fmt.key_figures:
        row, _, column = figure.of.rpartition(".")
        assert figure.of in fmt.cells or (row in rows and column), figure.of
        if figure.of in fmt.cells:
            assert fmt.cells[figure.of].type == "count", figure.of  # key figures are counts


@pytest.mark.parametrize("fmt_id", FORMATS)
def test_labels_use_the_official_full_width_punctuation(fmt_id: str) -> None:
    fmt = all_formats()[fmt_id]
    labels = [s.heading for s in fmt.sections]
    for spec in fmt.cells.values():
        labels += [n.label for n in (*spec.row, *spec.column)] + [spec.caption]
    for label in labels:
        # ASCII brackets, commas and colons are never official; "1." and 本年增/减 are
        assert not re.search(r"[(),:;]", label), label
        assert not re.search(r"\d\. ", label), label  # item numbers have no space after 1.
