"""`nianbao schema`: the JSON Schema of report.yaml, checked with a real validator."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import FIXTURES, PORTAL, ROOT, nianbao

REPORTS = sorted([*FIXTURES.rglob("report.yaml"), *(ROOT / "content").glob("*/*/report.yaml")])


def schema(fmt: str) -> dict[str, Any]:
    return json.loads(schema_text(fmt))


@cache
def schema_text(fmt: str) -> str:
    run = nianbao("schema", "--format", fmt)
    assert run.code == 0, run.err
    return run.out


@cache
def validator(fmt: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema(fmt))


def as_editor_reads(text: str) -> Any:
    """report.yaml as the YAML language server hands it to the schema: a date stays text."""

    def plain(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v.isoformat() if isinstance(v, dt.date) else v

    return plain(yaml.safe_load(text))


def errors(data: Any, fmt: str) -> list[str]:
    validator = jsonschema.Draft7Validator(schema(fmt))
    return sorted(
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.validator}"
        for e in validator.iter_errors(data)
    )


def test_the_schema_is_a_valid_draft_7_schema() -> None:
    for fmt in ("2019", "2021"):
        jsonschema.Draft7Validator.check_schema(schema(fmt))


def test_the_default_format_is_the_newest() -> None:
    assert nianbao("schema").out == nianbao("schema", "--format", "2021").out


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_report_validates(path: Path) -> None:
    data = as_editor_reads(path.read_text("utf-8"))
    fmt = "2021" if data["year"] >= 2021 else "2019"
    assert errors(data, fmt) == []


def test_a_fresh_scaffold_validates(portal: Path) -> None:
    """The placeholder 待填 is allowed: the editor marks only real mistakes while filling."""
    assert nianbao("new", "demo-bureau", "2023", "--content", portal).code == 0
    text = (portal / "demo-bureau/2023/report.yaml").read_text("utf-8")
    assert "待填" in text
    assert errors(as_editor_reads(text), "2021") == []


def good() -> Any:
    return as_editor_reads((PORTAL / "demo-bureau/2022/report.yaml").read_text("utf-8"))


def test_rejects_a_typo_in_a_key() -> None:
    data = good()
    data["requests"]["recieved"] = data["requests"].pop("received")
    assert errors(data, "2021") == ["requests: additionalProperties", "requests: required"]


def test_rejects_a_negative_count() -> None:
    data = good()
    data["requests"]["received"][2] = -1
    assert errors(data, "2021") == ["requests/received/2: anyOf"]
    data = good()
    data["active"]["licensing"] = -3
    assert errors(data, "2021") == ["active/licensing: anyOf"]


def test_rejects_a_string_count() -> None:
    data = good()
    data["appeals"]["review"][0] = "5"
    data["active"]["regulations"]["issued"] = "两"
    assert errors(data, "2021") == ["active/regulations/issued: anyOf", "appeals/review/0: anyOf"]


def test_rejects_a_row_of_the_wrong_length() -> None:
    data = good()
    data["requests"]["received"] = [1, 2, 3]
    assert errors(data, "2021") == ["requests/received: minItems"]


def test_titles_are_the_official_labels() -> None:
    s = schema("2021")
    received = s["properties"]["requests"]["properties"]["received"]
    assert received["title"] == "一、本年新收政府信息公开申请数量"
    assert [item["title"] for item in received["items"]] == [
        "自然人",
        "法人或其他组织 · 商业企业",
        "法人或其他组织 · 科研机构",
        "法人或其他组织 · 社会公益组织",
        "法人或其他组织 · 法律服务机构",
        "法人或其他组织 · 其他",
        "总计",
    ]
    assert received["items"][0]["description"] == (
        "表三 一、本年新收政府信息公开申请数量 / 自然人：非负整数。未填写时为“待填”，nianbao check 报告为未填写（P1）"
    )
    withheld = s["properties"]["requests"]["properties"]["results"]["properties"]["withheld"]
    assert withheld["title"] == "（三）不予公开"
    change = schema("2019")["properties"]["active"]["properties"]["licensing"]["properties"]
    assert change["change"]["anyOf"][0] == {"type": "integer"}  # 本年增/减 may be negative


def test_init_writes_the_same_schemas(tmp_path: Path) -> None:
    nianbao("init", tmp_path / "p")
    for fmt in ("2019", "2021"):
        written = (tmp_path / "p" / "schemas" / f"report-{fmt}.schema.json").read_text("utf-8")
        assert written == nianbao("schema", "--format", fmt).out


def test_an_imported_report_names_its_schema_and_validates(tmp_path: Path) -> None:
    """`import` writes the $schema line as `new` does, and the schemas it points at."""
    content = tmp_path / "content"
    source = FIXTURES / "real-reports" / "10-2024-hongze-quzhengfu.txt"
    assert nianbao("import", source, "--content", content, "--agency", "hongze").code == 0
    report = content / "hongze" / "2024" / "report.yaml"
    text = report.read_text("utf-8")
    first = text.splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schemas/report-2021.schema.json"
    assert (report.parent / first.split("=", 1)[1]).resolve().is_file()
    assert errors(as_editor_reads(text), "2021") == []
