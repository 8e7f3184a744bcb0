"""What every page of a build depends on (the build key), and the templates' own problems,
both kept under the files' sizes and times (keycache) while nothing they are made of
changes."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from . import __version__, keycache
from .contentfiles import digest
from .pagekeys import BuildKey, template_digests
from .problems import Problem

PACKAGE = Path(__file__).resolve().parent


def build_key(
    site_digest: str,
    templates: Path | None,
    word: bool = False,
    state: Path | None = None,
) -> BuildKey:
    """Everything every page depends on: the generator itself (code, theme, formats), the
    site's own templates and site.yaml; with Word documents, the version of python-docx
    that writes them. Its data key leaves the site's templates out, and each kind of page
    adds the digest of its own (pagekeys). How the content folder is shown is not in it:
    no page but the review page (keyed by its problems) shows it, and the records keep the
    problems' paths relative to it (AgencyRecord). ``state``: the output's cache folder,
    where the digests of files that rarely change are kept under their sizes and times
    (keycache)."""
    own = keycache.recalled(
        state,
        "own",
        own_stamps(),
        _own_digest,
        _own_stamps_now,
        lambda made: digest(made, keycache.UNSETTLED),
    )
    theirs_and_pages = keycache.recalled(
        state,
        f"templates {templates}",
        _template_stamps(templates, own_stamps()),
        lambda: (_templates_digest(templates), template_digests(templates)),
        lambda: _template_stamps(templates, _own_stamps_now()),
        lambda made: (digest(made[0], keycache.UNSETTLED), made[1]),
    )
    theirs, pages = theirs_and_pages
    writer = ""
    if word:
        import importlib.metadata  # 40 ms of imports, for sites with Word documents only

        writer = importlib.metadata.version("python-docx")
    data = digest(__version__, own, site_digest, writer)
    # the pages' digests too, though the same bytes give the same ones: theirs and pages are
    # read one after the other, and a template rewritten in between (a checkout under way)
    # must not leave a key that the files, once settled, give again
    everything = digest(theirs, *(f"{kind}\x00{d}" for kind, d in sorted(pages.items())))
    return BuildKey.made(data, pages, everything)


def template_problems_kept(templates: Path | None, state: Path | None) -> list[Problem]:
    """render.template_problems, kept (keycache) while no template changes: it compiles
    every template of the site's own on every build."""
    found = keycache.recalled(
        state,
        f"template problems {templates}",
        _template_stamps(templates, own_stamps()),
        lambda: [tuple(p.__dict__.values()) for p in _compiled_problems(templates)],
        lambda: _template_stamps(templates, _own_stamps_now()),
    )
    return [Problem(*p) for p in found]


def _compiled_problems(templates: Path | None) -> list[Problem]:
    from .render import template_problems  # Jinja: only when the templates changed

    return template_problems(templates)


def _template_stamps(templates: Path | None, own: keycache.Stamps | None) -> keycache.Stamps | None:
    """The theme's files and the site's templates, with the generator's (``own``: its code
    reads them): what the template digests and problems are made from."""
    theirs = keycache.stamps([PACKAGE / "theme", templates])
    return None if own is None or theirs is None else own + theirs


def _templates_digest(templates: Path | None) -> str:
    if templates is None or not templates.is_dir():
        return "none"
    return files_digest(templates, templates.rglob("*"))


@functools.cache
def _own_digest() -> str:
    """The generator's code, theme and formats: once per process (a process runs the code
    it started with; serve would otherwise read them all again on every save)."""
    return package_digest(PACKAGE)


def package_digest(package: Path) -> str:
    """The digest of a copy of the generator's code, theme and formats in ``package``."""
    wanted = (".py", ".yaml", ".html", ".css")
    return files_digest(package, (p for p in package.rglob("*") if p.suffix in wanted))


def files_digest(root: Path, paths: Iterable[Path]) -> str:
    """A digest of files' names (relative to ``root``) and bytes: the same for the same
    files in any folder, so moving or cloning a checkout or its venv keeps the build
    warm; different when any file's bytes or name changes."""
    parts: list[str] = []
    for p in paths:
        if p.is_file() and "__pycache__" not in p.parts:
            name = p.relative_to(root).as_posix()
            try:
                parts.append(f"{name}:{digest(p.read_bytes())}")
            except OSError:  # removed meanwhile (a checkout under way): the next look sees it
                parts.append(f"{name}:unreadable")
    return digest(*sorted(parts))


@functools.cache
def own_stamps() -> keycache.Stamps | None:
    """The generator's files as this process found them first (see _own_digest)."""
    return _own_stamps_now()


def _own_stamps_now() -> keycache.Stamps | None:
    """The generator's files as they are now: a value made from them is kept only if
    they are still as ``own_stamps`` found them (keycache.recalled)."""
    return keycache.stamps([PACKAGE])
