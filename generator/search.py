"""Full-text search with Pagefind: ``nianbao build`` indexes the report pages when
``site.yaml`` says ``search: true`` (``serve`` does not, so a save stays fast).

Pagefind's extended binary (the ``pagefind[extended]`` Python package) segments Chinese
text, so a phrase from a narrative finds its report. Only report pages carry
``data-pagefind-body``; every other page is left out of the index. The index is written
beside the pages into ``pagefind/``, replaced as a whole so that an incremental build
leaves the same files as a clean one.
"""

from __future__ import annotations

import sys
from pathlib import Path

INDEX_FOLDER = "pagefind"
SEARCH_PAGE = "search/index.html"


class SearchUnavailable(RuntimeError):
    """Pagefind is not installed, or failed."""


NOT_INSTALLED = "search: true 需要 Pagefind（带中文分词的扩展版）：pip install 'pagefind[extended]'"


def not_installed() -> bool:
    """Whether Pagefind's packages are missing: ``build`` says so before it writes anything,
    rather than replace the site and then fail to index it. Looked up, not imported."""
    from importlib.util import find_spec

    return find_spec("pagefind") is None or find_spec("pagefind_bin_extended") is None


def pagefind_command() -> list[str]:
    try:
        import pagefind  # noqa: F401  (the package that finds the binary)
        import pagefind_bin_extended  # noqa: F401  (the binary that segments Chinese)
    except ImportError as e:
        raise SearchUnavailable(NOT_INSTALLED) from e
    return [sys.executable, "-m", "pagefind"]


def index_site(out: Path) -> None:
    """Index ``out`` into ``out/pagefind/``, replacing the old index only when the new one
    is complete."""
    import shutil  # these here: every build imports this module (INDEX_FOLDER), few index
    import subprocess
    import tempfile

    out = out.resolve()
    staging = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=out.parent))
    try:
        run = subprocess.run(
            [
                *pagefind_command(),
                "--site",
                str(out),
                "--output-path",
                str(staging / INDEX_FOLDER),
                "--glob",
                "*/*/index.html",  # report pages only (<机构>/<年度>/): the rest is not read
                "--keep-index-url",  # the site's own links name index.html (works from disk)
                "--quiet",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0:
            raise SearchUnavailable(f"Pagefind 建立索引失败：{(run.stderr or run.stdout).strip()}")
        old = out / INDEX_FOLDER
        if old.exists():
            parked = staging / "old"
            old.rename(parked)
        (staging / INDEX_FOLDER).rename(old)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
