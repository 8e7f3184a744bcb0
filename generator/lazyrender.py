"""render.Renderer, made at the first page asked of it.

Making a Renderer imports Jinja and Markdown and compiles the standard tables (≈ 0.1 s
before any page). A build that changed nothing renders no page, and a narrative edit only
its report's: the build asks this stand-in for its renderer, and the real one is made (once)
when a page is wanted. The theme's assets need no template and are read without it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import Agency, Report, Site
from .outputs import Download, Output, Page, TemplateFault, assets

if TYPE_CHECKING:
    from .render import Renderer


# Where renderers made from now on keep their compiled templates: the output's cache
# folder, set by the build for its output (build._built); None keeps none.
_compiled: list[Path | None] = [None]


def compile_into(folder: Path | None) -> None:
    """Renderers made after this keep their compiled templates in ``folder`` (render)."""
    _compiled[0] = folder


class LazyRenderer:
    """Renders as render.Renderer does; made on first use (see the module's docstring)."""

    def __init__(self, templates: Path | None) -> None:
        self.templates = templates
        self._made: Renderer | None = None

    @property
    def renderer(self) -> Renderer:
        """The real renderer (made now if not yet: raises TemplateFault as it does)."""
        if self._made is None:
            from .render import Renderer  # Jinja and Markdown load here (see above)

            self._made = Renderer(self.templates, _compiled[0])
        return self._made

    def prepare(self, names: list[str]) -> None:
        """Make the renderer and compile the templates ``names`` now, ahead of their pages
        (a cold build's parent, while its workers render the reports); a fault is raised
        later, where a page meets it, as it would be without this."""
        with contextlib.suppress(TemplateFault):
            self.renderer.prepare(names)

    def report(
        self, site: Site, agency: Agency, report: Report, download: Download | None = None
    ) -> Output:
        return self.renderer.report(site, agency, report, download)

    def agency(self, site: Site, agency: Agency) -> Output:
        return self.renderer.agency(site, agency)

    def page(self, page: Page, template: str) -> Output:
        return self.renderer.page(page, template)

    def home(self, site: Site, agencies: list[Agency], trend: Any = None) -> Output:
        return self.renderer.home(site, agencies, trend)

    def not_found(self, site: Site) -> Output:
        return self.renderer.not_found(site)

    def assets(self) -> list[Output]:
        return assets(self.templates)
