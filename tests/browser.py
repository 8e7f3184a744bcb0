"""Check built pages in Debian's Chromium (axe-core, reflow) and with the Nu HTML Checker.

Needs `bash scripts/setup-browser-tests` once per machine (Chromium, Java, node_modules).
The fixture `chromium` becomes available with `pytest_plugins = ["browser"]` in
tests/conftest.py; everything else is plain functions:

    with serve(site_dir) as base:
        assert not chromium.axe_violations(base + "2023/"), ...
        assert chromium.horizontal_overflow(base + "2023/") <= 0
    assert not vnu_errors(sorted(site_dir.rglob("*.html")))

PYTEST_DONT_REWRITE: tests import this module before pytest registers it as a plugin.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator, Sequence
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path("/usr/bin/chromium")
SETUP = "run `bash scripts/setup-browser-tests` (as root) first"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.x A/AA, plus td-has-header, which axe ships as experimental (off unless named).
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"td-has-header": {"enabled": True}},
    "resultTypes": ["violations"],
}


def _need(path: Path) -> Path:
    if not path.is_file():
        raise RuntimeError(f"{path} is missing: {SETUP}")
    return path


def chromium_path() -> str:
    """The Debian Chromium to drive; raises with a setup hint if it is not installed."""
    if not CHROMIUM.is_file():
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: {SETUP}")
    return str(CHROMIUM)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve `root` over HTTP on 127.0.0.1 and a free port; yield the base URL (ends in '/')."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/"
        finally:
            server.shutdown()
            thread.join()


@contextlib.contextmanager
def _url(target: str | Path) -> Iterator[str]:
    """A URL as is; a file is served over HTTP from its own folder for the duration."""
    if isinstance(target, str):
        yield target
        return
    path = Path(target).resolve()
    with serve(path.parent) as base:
        yield base + path.name


def _selector(target: Any) -> str:
    # axe gives a list of selectors: one per frame / shadow root on the way to the node.
    return " >> ".join(t if isinstance(t, str) else " ".join(t) for t in target)


class Chromium:
    """One headless Chromium; each call opens a fresh context and page, then closes them."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser

    @contextlib.contextmanager
    def page(self, target: str | Path, width: int = 1280, height: int = 800) -> Iterator[Page]:
        """`target` (a URL, or an HTML file) loaded in a new page of that viewport."""
        with _url(target) as url:
            context = self.browser.new_context(
                viewport={"width": width, "height": height}, bypass_csp=True
            )
            try:
                page = context.new_page()
                response = page.goto(url)
                if response is not None and not response.ok:
                    raise RuntimeError(f"{url}: HTTP {response.status}")
                yield page
            finally:
                context.close()

    def axe_violations(self, target: str | Path) -> list[dict[str, Any]]:
        """axe-core's WCAG 2.x A/AA violations (and td-has-header): id, impact, help, targets."""
        with self.page(target) as page:
            page.add_script_tag(path=_need(AXE_JS))
            result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [_selector(node["target"]) for node in v["nodes"]],
            }
            for v in result["violations"]
        ]

    def horizontal_overflow(self, target: str | Path, width: int = 320) -> int:
        """How many CSS px the page scrolls sideways at that viewport width (<= 0: none)."""
        with self.page(target, width=width, height=640) as page:
            return int(
                page.evaluate(
                    "() => document.documentElement.scrollWidth"
                    " - document.documentElement.clientWidth"
                )
            )

    def screenshot(
        self, target: str | Path, path: Path, width: int = 1280, height: int = 800
    ) -> Path:
        """Save a full-page PNG of `target` at that viewport, for a person to look at."""
        with self.page(target, width=width, height=height) as page:
            page.screenshot(path=path, full_page=True)
        return path


@contextlib.contextmanager
def launch() -> Iterator[Chromium]:
    """Start Debian's Chromium headless through Playwright (no `playwright install`)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield Chromium(browser)
        finally:
            browser.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """The test session's one headless Chromium."""
    with launch() as browser:
        yield browser


def format_violations(violations: list[dict[str, Any]]) -> str:
    """axe violations as lines a failing assertion can show."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} @ {', '.join(v['targets'])}" for v in violations
    )


def vnu_errors(paths: Sequence[Path]) -> list[str]:
    """Nu HTML Checker errors for all `paths` in one Java run, as 'file:line:col: message'."""
    if not paths:
        return []
    java = shutil.which("java")
    if java is None:
        raise RuntimeError(f"java not found: {SETUP}")
    files = {p.resolve(): p for p in paths}
    missing = [str(p) for p in files if not p.is_file()]
    if missing:  # vnu only warns "File not found.", which --errors-only would hide
        raise FileNotFoundError(f"not there to check: {missing}")
    # A deep stack as vnu asks for; C1 only: about twice as fast for a run this short.
    cmd = [java, "-Xss4m", "-XX:TieredStopAtLevel=1", "-jar", str(_need(VNU_JAR))]
    cmd += ["--errors-only", "--format", "json", "--stdout"]
    # Java reads non-ASCII file names in the locale's encoding: under LANG=C it cannot find them.
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    proc = subprocess.run(
        [*cmd, *map(str, files)],
        capture_output=True,
        encoding="utf-8",
        env=env,
        timeout=900,
        check=False,
    )
    try:
        messages = json.loads(proc.stdout)["messages"]
    except (ValueError, KeyError) as e:
        raise RuntimeError(f"vnu failed (exit {proc.returncode}): {proc.stderr[-2000:]}") from e
    errors = []
    for m in messages:
        if m.get("type") == "info":
            continue
        path = Path(unquote(urlparse(m.get("url", "")).path))
        line, column = m.get("lastLine", "?"), m.get("firstColumn", m.get("lastColumn", "?"))
        errors.append(f"{files.get(path, path)}:{line}:{column}: {m['message']}")
    return errors
