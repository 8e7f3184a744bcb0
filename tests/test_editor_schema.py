"""The editor schema as an editor uses it: yaml-language-server (VS Code's YAML extension's
server) reads the `$schema` line `nianbao new` writes, completes keys, shows the official
labels on hover and marks mistakes while typing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import nianbao
from lsp import YamlLanguageServer


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("editor") / "p"
    assert nianbao("init", root).code == 0
    content = root / "content"
    args = ("--name", "上高县科学技术局", "--kind", "department", "--content", content)
    assert nianbao("new-agency", "shanggao-kjj", *args).code == 0
    assert nianbao("new", "shanggao-kjj", "2024", "--content", content).code == 0
    return root


@pytest.fixture(scope="module")
def server(portal: Path) -> Iterator[YamlLanguageServer]:
    ls = YamlLanguageServer(portal)
    yield ls
    ls.close()


def where(path: Path, text: str, offset: int = 0) -> tuple[int, int]:
    """(line, character), 0-based, of ``text`` in the file (plus ``offset`` characters)."""
    for i, line in enumerate(path.read_text("utf-8").splitlines()):
        if text in line:
            return i, line.index(text) + offset
    raise AssertionError(f"{text!r} not in {path}")


def test_a_fresh_scaffold_shows_no_errors(portal: Path, server: YamlLanguageServer) -> None:
    report = portal / "content/shanggao-kjj/2024/report.yaml"
    assert server.wait_for_diagnostics(server.open(report)) == []


def test_hover_shows_the_official_names(portal: Path, server: YamlLanguageServer) -> None:
    report = portal / "content/shanggao-kjj/2024/report.yaml"
    uri = server.open(report)
    key = server.hover(uri, *where(report, "received:", 2))
    assert key.startswith("#### 一、本年新收政府信息公开申请数量\n")
    cell = server.hover(uri, *where(report, "licensing: 待填", 12))
    assert "表二 第二十条第（五）项 行政许可 / 本年处理决定数量：非负整数" in cell


def test_completion_offers_the_formats_keys(portal: Path, server: YamlLanguageServer) -> None:
    mine = portal / "content/shanggao-kjj/2024/complete.yaml"
    text = (portal / "content/shanggao-kjj/2024/report.yaml").read_text("utf-8")
    start = text.index("  carried_forward:")
    end = text.index("\n", start)
    mine.write_text(text[:start] + "  carried_f" + text[end:], "utf-8")  # being typed
    uri = server.open(mine)
    labels = server.completion(uri, *where(mine, "  carried_f", 11))
    assert "carried_forward" in labels
    assert "received" not in labels  # already written


def test_mistakes_are_marked_while_typing(portal: Path, server: YamlLanguageServer) -> None:
    bad = portal / "content/shanggao-kjj/2024/bad.yaml"
    text = (portal / "content/shanggao-kjj/2024/report.yaml").read_text("utf-8")
    text = text.replace("  licensing: 待填", "  licensing: 五", 1)
    text = text.replace("[待填, 待填, 待填, 待填, 待填, 待填]", "[12, 3, 0, -1, 0, 1]", 1)
    text = text.replace("    partly_disclosed:", "    partly_disclosd: ", 1)
    bad.write_text(text, "utf-8")
    found = [
        (d["range"]["start"]["line"], d["message"])
        for d in server.wait_for_diagnostics(server.open(bad))
    ]
    licensing, _ = where(bad, "licensing: 五")
    received, _ = where(bad, "received:")
    typo, _ = where(bad, "partly_disclosd:")
    assert sorted(found) == sorted(
        [
            (licensing, 'Incorrect type. Expected "integer".'),
            (received, "Value is below the minimum of 0."),
            (typo - 2, 'Missing property "partly_disclosed".'),
            (typo, "Property partly_disclosd is not allowed."),
        ]
    )
