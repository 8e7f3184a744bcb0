"""siteyaml.hidden_agency_folders (rule H4) reads names from os.scandir: it finds what the
Path-based listing it replaced found, for every kind of entry (a table of cases)."""

from __future__ import annotations

import os
from pathlib import Path

from nianbao.problems import Problem
from nianbao.siteyaml import hidden_agency_folders


def by_paths(content: Path, shown_root: str) -> list[str]:
    """The former listing: a Path for each entry, then is_dir on the dotted ones."""
    hidden = sorted(p for p in content.iterdir() if p.name.startswith(".") and p.is_dir())
    return [f"{shown_root}/{p.name}/" for p in hidden if (p / "agency.yaml").is_file()]


def test_the_hidden_agency_folders_are_those_the_paths_gave(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    agency = "name: 某局\nkind: department\n"
    for name, with_agency in (
        (".town-b", True),  # an agency hidden by its name
        (".git", False),  # a hidden folder without agency.yaml: skipped quietly
        (".b-first", True),  # sorted by name
        ("town-a", True),  # not hidden
    ):
        (content / name).mkdir()
        if with_agency:
            (content / name / "agency.yaml").write_text(agency, "utf-8")
    (content / ".dotted-file").write_text("x", "utf-8")
    (content / ".agency-yaml-a-folder").mkdir()
    (content / ".agency-yaml-a-folder" / "agency.yaml").mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "agency.yaml").write_text(agency, "utf-8")
    os.symlink(outside, content / ".linked")  # a link to a folder: followed, as before
    os.symlink(tmp_path / "gone", content / ".broken-link")
    found = hidden_agency_folders(content, "content")
    assert [p.path for p in found] == by_paths(content, "content")
    assert [p.path for p in found] == ["content/.b-first/", "content/.linked/", "content/.town-b/"]
    assert all(isinstance(p, Problem) and p.rule == "H4" for p in found)


def test_a_content_folder_that_cannot_be_listed_has_none(tmp_path: Path) -> None:
    assert hidden_agency_folders(tmp_path / "absent", "absent") == []
