"""The package's shape: modules kept under ~400 lines (split by responsibility when one
grows; README, project rules)."""

from __future__ import annotations

from pathlib import Path

import nianbao

PACKAGE = Path(nianbao.__file__).parent
MAX_LINES = 400
# Over the limit, owned by other work of this round: split them, then drop them here.
NOT_YET_SPLIT = {"sources.py", "formats/__init__.py"}


def test_modules_stay_under_400_lines() -> None:
    long = {
        p.relative_to(PACKAGE).as_posix(): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert {name: n for name, n in long.items() if name not in NOT_YET_SPLIT} == {}
