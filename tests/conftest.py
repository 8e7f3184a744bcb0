"""Shared helpers: run the real CLI and make content trees from the fixtures."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from nianbao import sources
from nianbao.agencywork import load_and_check
from nianbao.cli import main
from nianbao.model import Agency, Site
from nianbao.write import PieceFile

pytest_plugins = ["browser"]  # the session's Chromium (tests/browser.py)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PORTAL = FIXTURES / "portal"
REAL = FIXTURES / "real-reports"  # copied from the spec material; see its README


def fixture_agencies() -> list[Agency]:
    """Every agency of the test portal and of the real reports' content, loaded and
    checked (both formats, and the change between them)."""
    found = []
    for content in (PORTAL, REAL / "content"):
        for folder in sources.scan(content, 1).agencies.values():
            agency, _ = load_and_check(folder, "content")
            assert agency is not None
            found.append(agency)
    return found


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def nianbao(*args: str | Path) -> Run:
    """Run the CLI in-process, as `nianbao ARGS` would, capturing its output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as e:  # argparse exits on misuse
            code = int(e.code or 0)
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    """A writable copy of the valid fixture portal (two agencies, 2019–2022)."""
    dest = tmp_path / "content"
    shutil.copytree(PORTAL, dest)
    return dest


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a content file; fails loudly if the text is not there."""
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), "utf-8")


def replace_by_hand(path: Path, text: str) -> None:
    """As an editor that saves by writing a new file and renaming it over the old one."""
    new = path.with_name(path.name + ".saving")
    new.write_text(text, "utf-8")
    os.replace(new, path)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files under tests/golden/ from the current output",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def copied(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Bytes copied from old files (not made again), one entry per copy."""
    sizes: list[int] = []
    original = PieceFile.copy

    def copy(self: PieceFile, source: int, start: int, length: int) -> None:
        sizes.append(length)
        original(self, source, start, length)

    monkeypatch.setattr(PieceFile, "copy", copy)
    return sizes


class Clock:
    """``time`` as the scan sees it (sources.time): a fixed ``now``."""

    def __init__(self) -> None:
        self.now = time.time_ns()

    def time_ns(self) -> int:
        return self.now

    def just_changed(self) -> None:
        self.now = time.time_ns()

    def settled(self) -> None:
        """Everything changed so far is old news: as seen ten seconds from now."""
        self.now = time.time_ns() + 10_000_000_000


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The content scan's clock fixed (see Clock): whether a scan may be trusted is then
    the test's to say."""
    c = Clock()
    monkeypatch.setattr(sources, "time", c)
    return c


def odd_sites(site: Site) -> dict[str, Site]:
    """``site`` and variants that a page filled from markers must still render as Jinja
    does: no url and search on, % and marker characters in the title and footer, a footer
    spelling a marker, a host portal's metadata (report and agency page fill tests)."""
    return {
        "as-is": site,
        "no-url-search": replace(site, url=None, search=True, footer={}),
        "percent-and-marks": replace(
            site,
            title="示例%s%%\ue000\ue0011\ue001市",
            footer={"organizer": "办公室\ue0002\ue001%d"},
        ),
        "spelled-marker": replace(site, footer={"organizer": "办公室\ue0002\ue001"}),
        "portal": replace(site, portal={"site_name": "门户", "content_source": "来源"}),
    }
