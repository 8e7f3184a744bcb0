"""What a build keeps beside its output to start the next one quickly: the digests of the
generator's own files and the site's templates (keycache), trusted only under the same
names, sizes and times; and the manifest, left as it is by a build that changed nothing."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PORTAL, nianbao, replace_by_hand
from nianbao import buildkey, keycache, sources
from nianbao.build import build
from nianbao.outdir import CACHE
from nianbao.problems import Problem, sort_problems
from test_build import tree
from test_incremental import edit_narrative, full_build


def _age(folder: Path, seconds: int) -> None:
    """Every file under ``folder`` last changed ``seconds`` ago: settled, so trusted."""
    when = time.time_ns() - seconds * 1_000_000_000
    for p in [folder, *folder.rglob("*")]:
        os.utime(p, ns=(when, when))


def _templates(tmp_path: Path, footer: str) -> Path:
    templates = tmp_path / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "_footer.html").write_text(
        f'<footer class="site-footer"><p>{footer}</p></footer>\n', "utf-8"
    )
    _age(templates, 100)
    return templates


def test_unchanged_build_leaves_the_manifest_alone(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    args = ["build", "--content", content, "--out", out]
    assert nianbao(*args).code == 0
    record = tmp_path / CACHE / "site" / "manifest.bin"
    before = record.stat()
    run = nianbao(*args)
    assert "，更新 0 个，" in run.lines[-1]
    after = record.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    edit_narrative(content)
    assert nianbao(*args).code == 0
    assert record.stat().st_ino != before.st_ino  # written again (replaced, never in place)
    assert "，更新 0 个，" in nianbao(*args).lines[-1]  # and trusted by the next build


def test_template_edit_under_the_key_cache(tmp_path: Path) -> None:
    """Settled templates: their digests are kept; an edit (new size and time, also
    settled) is seen all the same, and the site is what a clean build makes."""
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    templates = _templates(tmp_path, "本地页脚")
    out = tmp_path / "site"
    args = ["build", "--content", content, "--out", out, "--templates", templates]
    assert nianbao(*args).code == 0
    assert (tmp_path / CACHE / "site" / keycache.NAME).is_file()
    assert "本地页脚" in (out / "index.html").read_text("utf-8")
    _templates(tmp_path, "改过的页脚")
    (templates / "_footer.html").touch()
    _age(templates, 50)  # an edit made a while ago: a new time, not a racy one
    run = nianbao(*args)
    assert run.code == 0
    assert "，更新 0 个，" not in run.lines[-1]
    assert "改过的页脚" in (out / "index.html").read_text("utf-8")
    assert tree(out) == full_build(content, tmp_path, templates)


def test_key_cache_spares_parsing_the_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = _templates(tmp_path, "本地页脚")
    out = tmp_path / "site"
    build(PORTAL, templates, out)
    calls = []
    real = buildkey.template_digests

    def counted(folder: Path | None) -> dict[str, str]:
        calls.append(folder)
        return real(folder)

    monkeypatch.setattr(buildkey, "template_digests", counted)
    assert build(PORTAL, templates, out).rendered == 0
    assert calls == []
    # --verify trusts no file's size and time: the templates are read again
    assert build(PORTAL, templates, out, verify=True).rendered == 0
    assert calls == [templates]
    # a template changed in the last moments may change again unseen: never kept
    (templates / "_footer.html").touch()
    build(PORTAL, templates, out)
    build(PORTAL, templates, out)
    assert calls == [templates] * 3


@pytest.mark.parametrize("damage", [b"", b"nianbao key cache 1", b"\x00" * 64])
def test_damaged_key_cache_is_computed_again(tmp_path: Path, damage: bytes) -> None:
    templates = _templates(tmp_path, "本地页脚")
    out = tmp_path / "site"
    build(PORTAL, templates, out)
    (tmp_path / CACHE / "site" / keycache.NAME).write_bytes(damage)
    assert build(PORTAL, templates, out).rendered == 0
    # and kept again
    assert (tmp_path / CACHE / "site" / keycache.NAME).read_bytes().startswith(keycache.MAGIC)


def test_build_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(PORTAL, None, out)
    build(PORTAL, None, out)
    assert gc.get_freeze_count() == 0


def test_sort_problems_drops_duplicates_and_orders_ties() -> None:
    a = Problem("a.yaml", 3, 1, "warning", "同一条", "R6")
    b = Problem("a.yaml", 3, 1, "warning", "同一条", "R2")
    c = Problem("a.yaml", 1, 0, "error", "先", "V1")
    assert sort_problems([a, b, a, c, b]) == [c, b, a]
    assert sort_problems([]) == []


@pytest.fixture
def scanned_by_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The path a large portal takes: the content is scanned by worker processes while
    this one surveys the output."""
    monkeypatch.setattr(sources, "PARALLEL_SCAN_FROM", 1)


@pytest.mark.usefixtures("scanned_by_workers")
def test_survey_beside_the_scan_finds_pages_replaced_by_hand(tmp_path: Path) -> None:
    out = tmp_path / "site"
    args = ["build", "--content", PORTAL, "--out", out, "--jobs", "2"]
    assert nianbao(*args).code == 0
    assert "，更新 0 个，" in nianbao(*args).lines[-1]
    replace_by_hand(out / "town-a/2022/index.html", "defaced\n")
    (out / "data/index.html").unlink()
    run = nianbao(*args)
    assert run.code == 0
    assert "（其中 2 个是输出目录中被改动或删除的文件，已恢复），" in run.lines[-1]
    assert tree(out) == full_build(PORTAL, tmp_path)


@pytest.mark.usefixtures("scanned_by_workers")
def test_survey_beside_the_scan_refuses_a_file_nianbao_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "site"
    args = ["build", "--content", PORTAL, "--out", out, "--jobs", "2"]
    assert nianbao(*args).code == 0
    (out / "town-a/notes.txt").write_text("mine\n")
    run = nianbao(*args)
    assert run.code == 2
    assert "中有不是 nianbao 生成的文件（“town-a/notes.txt”）" in run.err
    assert (out / "town-a/notes.txt").read_text() == "mine\n"


def test_template_problems_under_the_key_cache(tmp_path: Path) -> None:
    """A settled broken template is reported on every build (the second time from the
    cache, the same line); once fixed (a new size and time), the site is built."""
    templates = _templates(tmp_path, "{% if %}")
    out = tmp_path / "site"
    args = ["build", "--content", PORTAL, "--out", out, "--templates", templates]
    first = nianbao(*args)
    assert first.code == 1
    broken = f"{templates.as_posix()}/_footer.html:1: 错误: 模板语法错误："
    assert any(line.startswith(broken) for line in first.lines)
    second = nianbao(*args)
    assert (second.code, second.out) == (first.code, first.out)
    _templates(tmp_path, "本地页脚")
    (templates / "_footer.html").touch()
    _age(templates, 50)
    assert nianbao(*args).code == 0
    assert "本地页脚" in (out / "index.html").read_text("utf-8")


def test_key_cache_keeps_nothing_made_while_its_files_changed(tmp_path: Path) -> None:
    """Stamps taken, then the file rewritten while the value is made (a checkout under
    way), then put back with the size and time it had (cp -p, tar, rsync -t): the old
    stamps must not bring back the value of the bytes seen meanwhile."""
    folder = tmp_path / "files"
    folder.mkdir()
    page = folder / "page.html"
    page.write_text("甲\n", "utf-8")
    _age(folder, 100)
    settled = page.stat()
    state = tmp_path / "state"

    def rewritten_meanwhile() -> str:
        page.write_text("乙\n", "utf-8")
        return page.read_text("utf-8")

    def again() -> keycache.Stamps | None:
        return keycache.stamps([folder])

    before = keycache.stamps([folder])
    assert before is not None
    assert keycache.recalled(state, "page", before, rewritten_meanwhile, again) == "乙\n"
    page.write_text("甲\n", "utf-8")
    os.utime(page, ns=(settled.st_atime_ns, settled.st_mtime_ns))
    assert keycache.stamps([folder]) == before
    read = keycache.recalled(state, "page", before, lambda: page.read_text("utf-8"), again)
    assert read == "甲\n"
    # settled files, unchanged while read: kept, and recalled without reading them
    assert keycache.recalled(state, "page", before, lambda: "not read", again) == "甲\n"


@pytest.mark.parametrize("settled", [True, False])
def test_template_rewritten_while_the_key_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: bool
) -> None:
    """A template rewritten while a build reads it, then put back as it was: the next
    build sees the template on disk, never the bytes of the moment in between; whether
    the edit before was settled (its stamps kept) or racy (nothing kept)."""
    templates = _templates(tmp_path, "页脚甲")
    out = tmp_path / "site"
    build(PORTAL, templates, out)
    _templates(tmp_path, "页脚乙")  # an edit, settled
    footer = templates / "_footer.html"
    if not settled:
        footer.touch()  # or made a moment ago
    stat, text = footer.stat(), footer.read_text("utf-8")
    real = buildkey.template_digests

    def during_a_checkout(folder: Path | None) -> dict[str, str]:
        footer.write_text(text.replace("页脚乙", "页脚丙"), "utf-8")
        return real(folder)

    monkeypatch.setattr(buildkey, "template_digests", during_a_checkout)
    build(PORTAL, templates, out)
    monkeypatch.setattr(buildkey, "template_digests", real)
    footer.write_text(text, "utf-8")  # the checkout undone: the same size and time
    os.utime(footer, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    # a new process: Jinja's cache in this one trusts a template's time alone
    args = ["build", "--content", PORTAL, "--out", out, "--templates", templates]
    subprocess.run([sys.executable, "-m", "nianbao", *map(str, args)], check=True)
    pages = [p.read_text("utf-8") for p in out.rglob("*.html")]
    assert len(pages) > 10
    assert all("<p>页脚乙</p>" in page for page in pages)


def _package_copy(where: Path) -> Path:
    """The generator's package copied to ``where``/nianbao, settled."""
    copy = where / "nianbao"
    shutil.copytree(
        Path(buildkey.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    _age(copy, 100)
    return copy


def test_package_digest_is_the_same_in_any_folder(tmp_path: Path) -> None:
    one = _package_copy(tmp_path / "one")
    other = _package_copy(tmp_path / "elsewhere" / "deeper")
    assert buildkey.package_digest(one) == buildkey.package_digest(other)
    assert buildkey.package_digest(one) == buildkey.package_digest(Path(buildkey.__file__).parent)
    (other / "theme" / "base.html").write_bytes((one / "theme" / "base.html").read_bytes() + b" ")
    assert buildkey.package_digest(one) != buildkey.package_digest(other)
    (other / "theme" / "base.html").write_bytes((one / "theme" / "base.html").read_bytes())
    assert buildkey.package_digest(one) == buildkey.package_digest(other)
    (other / "formats" / "f2021.yaml").rename(other / "formats" / "f2022.yaml")
    assert buildkey.package_digest(one) != buildkey.package_digest(other)


def test_moved_checkout_and_templates_keep_the_build_warm(tmp_path: Path) -> None:
    """A checkout (or venv) moved or cloned elsewhere, with the site's templates: the
    generator is the same, so the next build is warm."""
    _package_copy(tmp_path / "one")
    _templates(tmp_path / "one", "本地页脚")
    out = tmp_path / "site"

    def build_with(checkout: Path) -> str:
        args = ["build", "--content", PORTAL, "--out", out, "--templates", checkout / "templates"]
        run = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys, nianbao.cli as c; print(c.__file__); sys.exit(c.main(sys.argv[1:]))",
                *map(str, args),
            ],
            env={**os.environ, "PYTHONPATH": str(checkout)},
            capture_output=True,
            text=True,
            check=True,
        )
        assert run.stdout.startswith(str(checkout / "nianbao")), run.stdout  # the copy ran
        return run.stdout.splitlines()[-1]

    assert "，更新 0 个，" not in build_with(tmp_path / "one")
    (tmp_path / "one").rename(tmp_path / "two")
    assert "，更新 0 个，" in build_with(tmp_path / "two")
