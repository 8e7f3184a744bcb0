"""The code the ``re`` module compiles each regular expression to, compiled once and kept.

A one-edit build compiles some 130 regular expressions (Jinja's lexer's, json's, the
review rules' vocabulary, the fast readers' line patterns) with ``re``'s parser and code
generator, pure Python: 25–40 ms of the command, on every command. What they make for a
pattern, a list of integers handed to the regex engine (``_sre.compile``), depends only
on the pattern, its flags and the interpreter, so it is kept here, beside the package's
own bytecode (as classcode keeps the dataclasses' methods), keyed by the pattern and its
flags, for the interpreter and regex engine that made it; a kept one goes to the engine as
``re`` would hand it the code it makes. A pattern's code is kept only if the pattern the
engine makes of it equals (``==``: pattern, flags, groups and code) the one ``re`` made
itself. Anything unusual (a debug flag, a pattern already parsed, code the engine refuses,
a damaged or absent file, another interpreter, a folder that cannot be written) compiles
as ``re`` always does.

``install`` puts the kept code in place of ``re``'s compiler (its ``re._compiler.compile``,
which ``re`` calls for each pattern not in its own cache); ``keep`` writes what was
compiled anew, once the command is done.
"""

from __future__ import annotations

import _sre
import marshal
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import keptcode

_compiler: Any = re._compiler  # type: ignore[attr-defined]
_parser: Any = re._parser  # type: ignore[attr-defined]

KEPT = Path(__file__).resolve().parent / "__pycache__" / "regexcode.marshal"
# code is only handed back to the engine that made it, as .pyc files to their interpreter
_MAGIC = b"nianbao regexcode 1 %d %d %d\n" % (sys.hexversion, marshal.version, _sre.MAGIC)

LIMIT = 500  # patterns kept; past it, those no longer compiled are dropped

Key = tuple[str | bytes, int]
# what _sre.compile takes after the pattern: flags, code, groups, group index, index group
Made = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]

_kept: dict[Key, Made] = {}
_used: set[Key] = set()
_new = False
_original: list[Callable[..., re.Pattern[Any]]] = []  # re's own compiler, once installed


def install() -> None:
    """Make ``re`` compile through the kept code (once per process)."""
    if _compiler.compile is _compile:
        return
    load()
    _original[:] = [_compiler.compile]
    _compiler.compile = _compile


def load() -> None:
    """Read the kept code into this process (nothing if the file is absent or not ours)."""
    _kept.update(keptcode.read(KEPT, _MAGIC))


def _compile(pattern: Any, flags: int = 0) -> re.Pattern[Any]:
    """``re._compiler.compile`` as ``re`` calls it, each pattern's code made at most once."""
    global _new
    original = _original[0]
    if not isinstance(pattern, (str, bytes)) or flags & re.DEBUG:
        return original(pattern, flags)
    key = (pattern, int(flags))
    made = _kept.get(key)
    if made is not None:
        try:
            compiled: re.Pattern[Any] = _sre.compile(pattern, *made)
        except Exception:  # code this engine refuses: compiled anew below
            _kept.pop(key, None)
        else:
            _used.add(key)
            return compiled
    compiled = original(pattern, flags)
    made = _made(pattern, int(flags))
    if made is not None and _engine_equal(pattern, made, compiled):
        _kept[key] = made
        _used.add(key)
        _new = True
    return compiled


def _made(pattern: str | bytes, flags: int) -> Made | None:
    """What ``re._compiler.compile`` hands the engine for ``pattern``, made its way."""
    try:
        parsed = _parser.parse(pattern, flags)
        code = [int(c) for c in _compiler._code(parsed, flags)]  # opcodes are int subclasses
        index: dict[str, int] = dict(parsed.state.groupdict)
        groups: list[str | None] = [None] * parsed.state.groups
        for name, i in index.items():
            groups[i] = name
        return (
            int(flags | parsed.state.flags),
            code,
            parsed.state.groups - 1,
            index,
            tuple(groups),
        )
    except Exception:  # a future re that makes it otherwise: nothing kept
        return None


def _engine_equal(pattern: str | bytes, made: Made, compiled: re.Pattern[Any]) -> bool:
    """Whether the engine makes of ``made`` the very pattern ``re`` compiled."""
    try:
        return bool(_sre.compile(pattern, *made) == compiled)
    except Exception:
        return False


def keep() -> None:
    """Write the kept code if this process compiled any pattern anew."""
    global _new
    if not _new:
        return
    _new = False
    keptcode.write(KEPT, _MAGIC, _kept, _used, LIMIT)
