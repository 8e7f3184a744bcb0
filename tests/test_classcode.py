"""The dataclasses' methods compiled once and kept (classcode): what is kept is exactly
what compiling gives, classes made through it behave as dataclasses always do, and a
damaged or foreign file only means compiling again."""

from __future__ import annotations

import dataclasses
import marshal
import subprocess
import sys
import types
from pathlib import Path

import pytest
from conftest import PORTAL
from nianbao import classcode


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """classcode keeping its code in a file of this test's own, empty at first."""
    path = tmp_path / "classcode.marshal"
    monkeypatch.setattr(classcode, "KEPT", path)
    monkeypatch.setattr(classcode, "_code", {})
    monkeypatch.setattr(classcode, "_used", set())
    monkeypatch.setattr(classcode, "_new", False)
    return path


POINT = """
import dataclasses

@dataclasses.dataclass(frozen=True, order=True)
class Point:
    x: int
    y: tuple[str, ...] = ()
    z: list[int] = dataclasses.field(default_factory=list, compare=False)
"""


def make(module: str = "nianbao.probe") -> type:
    """A dataclass made as if in ``module`` (only the package's own go through the kept
    code), with no ``from __future__`` import of its own: its annotations are objects."""
    made = types.ModuleType(module)
    sys.modules[module] = made  # dataclasses hands over the globals of the class's module
    try:
        exec(compile(POINT, "<probe>", "exec", dont_inherit=True), made.__dict__)
    finally:
        del sys.modules[module]
    return made.Point  # type: ignore[no-any-return]


def test_the_package_compiles_its_dataclasses_through_the_kept_code() -> None:
    assert dataclasses.exec is classcode._exec  # type: ignore[attr-defined]


def test_kept_code_is_what_compiling_gives_and_classes_behave_the_same(kept: Path) -> None:
    first = make()
    assert classcode._new
    classcode.keep()
    assert kept.is_file() and not classcode._new
    classcode._code.clear()
    data = kept.read_bytes()
    code = marshal.loads(data[len(classcode._MAGIC) :])
    assert code and all(
        c == compile(s, "<string>", "exec", dont_inherit=True) for s, c in code.items()
    )
    classcode._code.update(code)
    second = make()  # every method from the kept code
    assert not classcode._new
    for cls in (first, second):
        p = cls(1, ("a",), [5])
        assert p == cls(1, ("a",), [6]) and p < cls(2)
        assert repr(p) == f"{cls.__qualname__}(x=1, y=('a',), z=[5])"
        assert hash(p) == hash(cls(1, ("a",)))
        with pytest.raises(dataclasses.FrozenInstanceError):
            p.x = 2  # type: ignore[misc]
        assert dataclasses.replace(p, x=3).x == 3
    assert [f.name for f in dataclasses.fields(first)] == ["x", "y", "z"]
    assert [f.name for f in dataclasses.fields(second)] == ["x", "y", "z"]
    # not this module's `from __future__ import annotations`: the annotations are objects
    for cls in (first, second):
        assert cls.__init__.__annotations__ == {
            "x": int,
            "y": tuple[str, ...],
            "z": list[int],
            "return": None,
        }


def test_another_programs_dataclasses_are_made_as_ever(kept: Path) -> None:
    cls = make("someone.elses")
    assert not classcode._new and not classcode._used  # nothing kept, nothing looked up
    assert cls.__init__.__annotations__["x"] is int
    assert cls(1) == cls(1)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"nonsense",
        classcode._MAGIC + b"\x00\x01",
        b"nianbao classcode 1 1\n" + marshal.dumps({}),
    ],
)
def test_a_damaged_or_foreign_file_means_compiling_again(kept: Path, content: bytes) -> None:
    kept.write_bytes(content)
    classcode.install()  # reads the file: nothing usable
    assert classcode._code == {}
    cls = make()
    assert cls(1) == cls(1) and classcode._new


def test_a_second_command_compiles_no_dataclass_method_again(tmp_path: Path) -> None:
    """Through the command line, in fresh interpreters: the first run keeps what it
    compiled (if anything was new), the next compiles nothing."""
    probe = (
        "import sys\n"
        "from nianbao import classcode\n"
        "from nianbao.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print(code, len(classcode._used), classcode._new)\n"
    )
    args = [sys.executable, "-c", probe, "check", "--content", str(PORTAL)]
    subprocess.run(args, capture_output=True, text=True, check=True)
    again = subprocess.run(args, capture_output=True, text=True, check=True)
    code, used, new = again.stdout.splitlines()[-1].split()
    assert code == "0" and int(used) > 100 and new == "False"
