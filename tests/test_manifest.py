"""The build record (.nianbao-cache/<out>/manifest.bin): a warm build trusts it only
when it is whole and ours; anything odd about it means no record (never a traceback or a
stale page), and the record of an earlier nianbao still marks the output as nianbao's."""

from __future__ import annotations

import json
import marshal
import shutil
import zlib
from pathlib import Path

import pytest
from conftest import PORTAL, edit, nianbao
from nianbao import manifest
from nianbao.filestamps import Stamps
from test_build import tree


def _flip_last_byte(p: Path) -> None:
    data = bytearray(p.read_bytes())
    data[-1] ^= 1
    p.write_bytes(bytes(data))


def _cut_short(p: Path) -> None:
    p.write_bytes(p.read_bytes()[:-100])


def _other_version(p: Path) -> None:
    # a later nianbao's (an earlier one's is read for the files it wrote: see below)
    now, later = (f"manifest {v} ".encode() for v in (manifest.VERSION, manifest.VERSION + 1))
    p.write_bytes(p.read_bytes().replace(now, later, 1))


def _another_shape(p: Path) -> None:
    # whole and checked (right CRC), but not a record this version wrote
    data = marshal.dumps(("key", {}, {"index.html": [1, 2]}, [b"not a record"]))
    p.write_bytes(manifest.MAGIC + zlib.crc32(data).to_bytes(manifest.CHECK, "big") + data)


def _empty(p: Path) -> None:
    p.write_bytes(b"")


DAMAGE = {
    "a byte changed": _flip_last_byte,
    "cut short": _cut_short,
    "another version": _other_version,
    "another shape": _another_shape,
    "empty": _empty,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_an_odd_manifest_is_no_record(tmp_path: Path, damage: str) -> None:
    """Read as no record at all: the output it described is no longer known as nianbao's,
    so it is refused (and kept) as any unknown folder is; once moved away, a build from
    scratch; no traceback."""
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    record = tmp_path / ".nianbao-cache" / "site" / manifest.NAME
    assert manifest.read(record.parent) is not None
    DAMAGE[damage](record)
    assert manifest.read(record.parent) is None
    before = tree(out)
    edit(content / "town-a/2022/report.yaml", "licensing: 5", "licensing: 6")
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 2, run.out
    assert "不是空目录，也没有 nianbao 生成它的记录" in run.err
    assert tree(out) == before
    shutil.rmtree(out)
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 0, run.out
    assert "更新" not in run.lines[-1]
    assert manifest.read(record.parent) is not None  # written again, whole


def test_an_earlier_nianbaos_record_means_building_from_scratch(tmp_path: Path) -> None:
    """After an upgrade, the JSON Lines record of nianbao ≤ 0.1.x still says which files
    are nianbao's: the output is built again from scratch, not refused."""
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    state = tmp_path / ".nianbao-cache" / "site"
    made = manifest.read(state)
    assert made is not None
    header = {"version": 4, "key": "earlier", "pages": made.pages}
    lines = [json.dumps(header), json.dumps({"files": dict(made.files)}), '{"slug": "town-a"}']
    (state / manifest.NAME).unlink()
    (state / manifest.JSONL).write_text("\n".join(lines) + "\n", "utf-8")
    edit(content / "town-a/2022/report.yaml", "licensing: 5", "licensing: 6")
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 0, run.err
    assert "更新" not in run.lines[-1]  # from scratch
    clean = tmp_path / "clean"
    assert nianbao("build", "--content", content, "--out", clean).code == 0
    assert tree(out) == tree(clean)
    assert not (state / manifest.JSONL).exists()
    assert manifest.read(state) is not None


def test_a_warm_build_reads_the_record_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", PORTAL, "--out", out).code == 0
    state = tmp_path / ".nianbao-cache" / "site"
    first = manifest.read(state)
    assert first is not None and first.agencies and first.files
    assert sorted(p.name for p in state.iterdir() if "manifest" in p.name) == [manifest.NAME]
    run = nianbao("build", "--content", PORTAL, "--out", out)
    assert "，更新 0 个，" in run.lines[-1]
    again = manifest.read(state)
    assert again == first


@pytest.mark.parametrize("version", [5, 6, 7])
def test_an_earlier_versions_record_means_building_from_scratch(
    tmp_path: Path, version: int
) -> None:
    """After an upgrade that changed the record's shape, the earlier record (version 5 to
    7, amended by its delta) still says which files are nianbao's: the output is built
    again from scratch, not refused."""
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    state = tmp_path / ".nianbao-cache" / "site"
    made = manifest.read(state)
    assert made is not None and version < manifest.VERSION
    files = dict(made.files)
    later = {"index.html": files.pop("index.html")}  # known from the delta alone
    magic = b"nianbao manifest %d marshal %d\n" % (version, marshal.version)
    # from version 7 on, the stamps per folder (filestamps), the R7 pairs after them
    kept = ("earlier", made.pages, Stamps.of(files).chunks(), {}, [b"an agency"])
    data = marshal.dumps(kept if version >= 7 else ("earlier", made.pages, files, [b"an agency"]))
    crc = zlib.crc32(data).to_bytes(manifest.CHECK, "big")
    (state / manifest.NAME).write_bytes(magic + crc + data)
    delta_magic = b"nianbao manifest delta %d marshal %d\n" % (version, marshal.version)
    amends = (
        (crc, "earlier", made.pages, {}, {}) if version >= 7 else (crc, "earlier", made.pages, {})
    )
    delta = marshal.dumps((*amends, later))
    (state / manifest.DELTA).write_bytes(
        delta_magic + zlib.crc32(delta).to_bytes(manifest.CHECK, "big") + delta
    )
    older = manifest.read(state)
    assert older is not None and older.key == "" and older.files == made.files
    edit(content / "town-a/2022/report.yaml", "licensing: 5", "licensing: 6")
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 0, run.err
    assert "更新" not in run.lines[-1]  # from scratch
    clean = tmp_path / "clean"
    assert nianbao("build", "--content", content, "--out", clean).code == 0
    assert tree(out) == tree(clean)
    now = manifest.read(state)
    assert now is not None and now.key and not (state / manifest.DELTA).exists()
