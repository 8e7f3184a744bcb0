"""`check --format github|gitlab`: problems as CI annotations, shown on their lines in
pull and merge requests.

GitHub reads workflow commands from the log (``::error file=…,line=…,col=…,title=…::…``).
GitLab reads a Code Quality report: a JSON list with, for each problem, a description, a
check name, a severity, a location and a fingerprint. The fingerprint must stay the same
while a problem stays, so GitLab can tell new problems from old ones: it hashes the file,
the rule, the cell and the message, never the line (which moves when lines are added
above), and counts identical problems in the same file apart.
"""

from __future__ import annotations

import hashlib
import json

from .problems import SEVERITY_LABEL, Problem

# GitLab's severities: info, minor, major, critical, blocker.
GITLAB_SEVERITY = {"error": "major", "warning": "minor"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _relative(path: str) -> str:
    """As both CI systems name files: relative to the repository, without a leading ./"""
    while path.startswith("./"):
        path = path[2:]
    return path


def github_commands(problems: list[Problem]) -> str:
    """One workflow command per problem."""
    lines = []
    for p in problems:
        title = f"nianbao {p.rule}" if p.rule else "nianbao"
        fields = (
            ("file", _relative(p.path)),
            ("line", p.line),
            ("col", p.column),
            ("title", title),
        )
        props = ",".join(f"{k}={_escape_property(str(v))}" for k, v in fields)
        message = f"{SEVERITY_LABEL[p.severity]}: {p.message}"
        lines.append(f"::{p.severity} {props}::{_escape_data(message)}")
    return "\n".join(lines)


def gitlab_report(problems: list[Problem]) -> str:
    """A GitLab Code Quality report."""
    seen: dict[str, int] = {}
    issues = []
    for p in problems:
        path = _relative(p.path)
        identity = "\x00".join((path, p.rule, p.key, p.message))
        n = seen.get(identity, 0)
        seen[identity] = n + 1
        fingerprint = hashlib.sha256(f"{identity}\x00{n}".encode()).hexdigest()
        issues.append(
            {
                "description": f"{p.message}" + (f" [{p.rule}]" if p.rule else ""),
                "check_name": f"nianbao-{p.rule}" if p.rule else "nianbao",
                "fingerprint": fingerprint,
                "severity": GITLAB_SEVERITY[p.severity],
                "location": {"path": path, "lines": {"begin": p.line}},
            }
        )
    return json.dumps(issues, ensure_ascii=False, indent=2)
