"""The methods the dataclasses module writes for each dataclass, compiled once and kept.

``@dataclass`` writes the source of ``__init__``, ``__repr__``, ``__eq__`` (and, frozen,
``__hash__``, ``__setattr__``, ``__delattr__``) as text and compiles it, class by class,
in every process: compiling is most of the cost of making a dataclass, and the 70 made
by a one-edit build's imports cost it about a fifth of them. The text is the same from
one run to the next, so its compiled code is kept here, beside the package's own
bytecode, keyed by the text itself and the interpreter's version: a hit is exactly what
compiling the text gives, anything else (a new or changed class, another Python, a
damaged or absent file, a folder that cannot be written) is compiled as before. Nothing
else about the classes changes: the dataclasses module still writes every method, and
the code kept is only ever run with the globals and names it hands over. Only the
package's own classes go through it: a dataclass another program makes in the same process
is compiled as it always is.

``install`` puts the kept code in place of the module's ``exec`` (its only use of it);
``keep`` writes what was compiled anew, once the command's classes are all made.
"""

from __future__ import annotations

import dataclasses
import marshal
import sys
from pathlib import Path
from types import CodeType
from typing import Any

from . import keptcode

KEPT = Path(__file__).resolve().parent / "__pycache__" / "classcode.marshal"
# code objects are only read back by the interpreter that wrote them (as .pyc files)
_MAGIC = b"nianbao classcode 2 %d %d\n" % (sys.hexversion, marshal.version)  # 2: no flags inherited

LIMIT = 2000  # functions kept; past it, those of classes no longer made are dropped

_PREFIX = f"{__package__}."
_code: dict[str, CodeType] = {}
_used: set[str] = set()
_new = False


def install() -> None:
    """Make dataclasses compile through the kept code (once per process)."""
    if getattr(dataclasses, "exec", None) is _exec:
        return
    _code.update(keptcode.read(KEPT, _MAGIC))
    dataclasses.exec = _exec  # type: ignore[attr-defined]


def _exec(source: str | CodeType, globals: dict[str, Any], locals: dict[str, Any]) -> None:
    """``exec`` as the dataclasses module calls it, the source compiled at most once."""
    global _new
    if not isinstance(source, str):
        exec(source, globals, locals)
        return
    if not _ours(globals):  # another program's dataclass: compiled as it always was
        exec(_compiled(source), globals, locals)
        return
    code = _code.get(source)
    _used.add(source)
    if code is None:
        code = _compiled(source)
        _code[source] = code
        _new = True
    exec(code, globals, locals)


def _ours(globals: dict[str, Any]) -> bool:
    """Whether the class is made in one of this package's modules (dataclasses hands over
    the globals of the class's module)."""
    module = globals.get("__name__")
    return isinstance(module, str) and (module == __package__ or module.startswith(_PREFIX))


def _compiled(source: str) -> CodeType:
    """What ``exec(source)`` in the dataclasses module compiles: not this module's
    ``from __future__ import annotations`` (which would leave the methods' annotations as
    strings), none of its flags."""
    return compile(source, "<string>", "exec", dont_inherit=True)


def keep() -> None:
    """Write the kept code if this process compiled any anew (a new class, a first run)."""
    global _new
    if not _new:
        return
    _new = False
    keptcode.write(KEPT, _MAGIC, _code, _used, LIMIT)
