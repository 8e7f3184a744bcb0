"""site.yaml as a build reads it, and the content folder's paths as problems show them.

Parsing site.yaml needs the YAML library (≈ 25 ms to import) and load.py with its readers;
a build in which nothing changed needs neither. So the site, with the problems reading it
gave, is kept in the output's cache folder (keycache) under the digest of site.yaml's bytes
and the stamps of the generator's own files: the same bytes read by the same code give the
same site. Anything unusual (no cache folder, site.yaml absent or refused) reads it afresh.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from . import keycache
from .contentfiles import Refused, Tree, digest
from .model import Site
from .problems import Problem, relative, shown_under


def site_settings(
    content: Path,
    shown_root: str,
    problems: list[Problem],
    tree: Tree,
    state: Path | None,
    own: keycache.Stamps | None,
) -> Site | None:
    """load.load_site_yaml, kept in ``state`` (see above). ``own``: the generator's files'
    stamps; ``tree`` must be the build's own (it reads site.yaml for the build key)."""
    if state is None or own is None or not tree.is_file("site.yaml"):
        return _parsed(content, shown_root, problems, tree)
    try:
        data = tree.read("site.yaml")
    except Refused:
        return _parsed(content, shown_root, problems, tree)
    stamps = [*own, (f"site.yaml:{digest(data)}", len(data), 0)]
    # kept once for any working directory: the problems' paths relative to the content
    # folder (problems.relative), shown as it is given now
    prefix = content_prefix(shown_root)
    fields, found = keycache.recalled(
        state, "site.yaml", stamps, lambda: _plain(content, shown_root, tree, prefix)
    )
    if found is None:  # a path not under the content folder (never so far): not kept
        return _parsed(content, shown_root, problems, tree)
    problems.extend(shown_under([Problem(*p) for p in found], prefix))
    return Site(**fields) if fields is not None else None


def _parsed(content: Path, shown_root: str, problems: list[Problem], tree: Tree) -> Site | None:
    from .load import load_site_yaml  # the YAML library loads here, only when needed

    return load_site_yaml(content, shown_root, problems, tree)


def _plain(
    content: Path, shown_root: str, tree: Tree, prefix: str
) -> tuple[dict[str, Any] | None, list | None]:
    """The site and its problems as plain data (keycache keeps marshal's types), the
    problems' paths relative to ``prefix``; None for them when one is not under it."""
    problems: list[Problem] = []
    site = _parsed(content, shown_root, problems, tree)
    fields = None
    if site is not None:
        assert not site.agencies  # site.yaml alone: agencies load on their own
        fields = {f.name: getattr(site, f.name) for f in dataclasses.fields(site)}
        del fields["agencies"]
    kept = relative(problems, prefix)
    return fields, None if kept is None else [tuple(p.__dict__.values()) for p in kept]


def display_path(root_display: str, *parts: str) -> str:
    return "/".join([root_display.rstrip("/"), *parts]) if root_display else "/".join(parts)


def content_prefix(root_display: str) -> str:
    """What every path under the content folder shown as ``root_display`` starts with, as
    problems show it: ``display_path(root_display, *parts)`` is this and the parts joined."""
    return display_path(root_display, "")


def hidden_agency_folders(content: Path, shown_root: str) -> list[Problem]:
    """Folders whose name starts with a dot are skipped (.git and editors' folders), but one
    that holds an agency.yaml was meant to be published: say so instead of skipping it.

    Every build lists the content folder for them: the names alone are looked at (os.scandir
    makes no path object of each of 14,000 agency folders), and only a dotted one is asked
    whether it is a folder (following a link, as Path.is_dir does)."""
    out = []
    try:
        with os.scandir(content) as entries:
            hidden = sorted(e.name for e in entries if e.name.startswith(".") and e.is_dir())
    except OSError:
        return []
    for name in hidden:
        if (content / name / "agency.yaml").is_file():
            msg = (
                f"文件夹“{name}”以“.”开头，会被当作隐藏文件夹跳过，其中的机构和年报不会"
                "校验和发布；请去掉开头的“.”"
            )
            out.append(Problem(display_path(shown_root, name) + "/", 1, 1, "warning", msg, "H4"))
    return out
