"""What each output file's fingerprint is made of: the data, and for a page, its templates.

A page is rendered from data (content, site.yaml, the generator) through templates; a data
file (data.json, the CSVs, the year files, the feed, the sitemap, assets) from data alone.
So a build has two keys: the data key, in every fingerprint, and the digest of each page
template *with everything it includes, extends or imports* (found with Jinja's own parser),
in the fingerprints of the pages rendered with it. Editing ``home.html`` then changes the
home page's fingerprint only; editing ``_footer.html`` (included by ``base.html``) every
page's; data files never change with a template.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .contentfiles import digest

if TYPE_CHECKING:
    import jinja2

# The templates each kind of page is rendered with (render.Renderer, review/page.py).
# ``_table.html`` renders a report's standard tables (filledtables.TableRenderer).
PAGE_TEMPLATES = {
    "report": ("report.html", "_table.html"),
    "agency": ("agency.html",),
    "home": ("home.html",),
    "year": ("year.html",),
    "data": ("data.html",),
    "search": ("search.html",),
    "404": ("404.html",),
    "review": ("review.html",),
}


class BuildKey(str):
    """The key a build is made with, as text (what the manifest records: data and every
    template), carrying the data key and each page kind's template digest."""

    data: str
    pages: dict[str, str]

    @classmethod
    def made(cls, data: str, pages: dict[str, str], everything: str) -> BuildKey:
        key = cls(digest(data, everything))
        key.data, key.pages = data, pages
        return key

    def __reduce__(self) -> tuple[object, ...]:  # to worker processes, with its parts
        return (_rebuilt, (str(self), self.data, self.pages))


def _rebuilt(text: str, data: str, pages: dict[str, str]) -> BuildKey:
    key = BuildKey(text)
    key.data, key.pages = data, pages
    return key


def data_key(key: str) -> str:
    """The part of ``key`` data files depend on (all of it for a plain string)."""
    return key.data if isinstance(key, BuildKey) else key


def page_fingerprint(base: str, key: str, kind: str) -> str:
    """A page's fingerprint: what its data is made of (``base``, made with the data key)
    and the digest of the templates of its ``kind`` (PAGE_TEMPLATES)."""
    templates = key.pages[kind] if isinstance(key, BuildKey) else key
    return digest(base, kind, templates)


def template_digests(templates: Path | None) -> dict[str, str]:
    """For each kind of page, a digest of the source of every template it is rendered
    with, found through the loader (the site's own templates before the theme). Jinja is
    imported here, not above: a build whose templates did not change keeps these digests
    (keycache) and renders nothing, and then never loads it."""
    from .render import environment

    env = environment(templates)
    sources: dict[str, str] = {}
    return {kind: _closure_digest(env, names, sources) for kind, names in PAGE_TEMPLATES.items()}


def _closure_digest(
    env: jinja2.Environment, names: tuple[str, ...], sources: dict[str, str]
) -> str:
    seen: set[str] = set()
    todo = list(names)
    dynamic = False
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for ref in _referenced(env, _source(env, name, sources)):
            if ref is None:
                dynamic = True  # a name computed while rendering: could be any template
            else:
                todo.append(ref)
    if dynamic:
        seen.update(env.list_templates())
    return digest(*(f"{name}\x00{_source(env, name, sources)}" for name in sorted(seen)))


# the templates a source names, by source: serve computes the digests on every save, and
# parsing the theme's templates again each time would cost more than the rest of a save
_REFERENCED: dict[str, tuple[str | None, ...]] = {}


def _referenced(env: jinja2.Environment, source: str) -> tuple[str | None, ...]:
    """The templates ``source`` includes, extends or imports (None: a computed name)."""
    if source not in _REFERENCED:
        import jinja2.meta  # loaded by template_digests already (see there)

        try:
            found = tuple(jinja2.meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateError:
            found = ()  # reported by template_problems; the page will not render
        if len(_REFERENCED) > 1000:  # a long session of template edits
            _REFERENCED.clear()
        _REFERENCED[source] = found
    return _REFERENCED[source]


def _source(env: jinja2.Environment, name: str, sources: dict[str, str]) -> str:
    if name not in sources:
        import jinja2  # loaded by template_digests already (see there)

        try:
            assert env.loader is not None
            sources[name] = env.loader.get_source(env, name)[0]
        except (jinja2.TemplateNotFound, UnicodeDecodeError, OSError) as e:
            sources[name] = f"\x00unreadable:{type(e).__name__}"
    return sources[name]
