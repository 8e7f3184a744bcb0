"""The record after an edit: only what changed since the whole record was written goes to
manifest.delta, and the record read back (manifest.bin amended by the delta) is the one a
whole write would have kept. A delta that is odd, or amends another record, is no record."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import PORTAL, nianbao
from hypothesis import given, settings
from hypothesis import strategies as st
from nianbao import manifest
from nianbao.manifest import AgencyRecord, Manifest
from test_build import tree
from test_incremental import CHANGES, full_build

PATHS = [f"a{i}/{j}/index.html" for i in range(4) for j in range(3)]
SLUGS = ["a0", "a1", "a2", "a3", "a4"]

stamps = st.tuples(st.integers(0, 9), st.integers(0, 9), st.sampled_from(["x", "y"]))
step = st.tuples(
    st.dictionaries(st.sampled_from(PATHS), st.none() | stamps, max_size=5),
    st.dictionaries(st.sampled_from(SLUGS), st.none() | st.sampled_from(["s1", "s2"])),
    st.booleans(),  # the next build reads the record from disk (else: serve's, in memory)
    st.sampled_from(["k1", "k2"]),
)


def _record(slug: str, signature: str) -> AgencyRecord:
    return AgencyRecord(slug, signature, "d", None, pages={f"{slug}/index.html": signature})


def _next(m: Manifest, files: dict, agencies: dict, key: str) -> Manifest:
    """``m`` after a build that changed ``files`` and ``agencies`` (None: removed); the
    records of the agencies left alone are the very ones of ``m``, as a warm build keeps."""
    made = Manifest(key, dict(m.agencies), {"index.html": key}, dict(m.files))
    for path, stamp in files.items():
        if stamp is None:
            made.files.pop(path, None)
        else:
            made.files[path] = stamp
    for slug, signature in agencies.items():
        if signature is None:
            made.agencies.pop(slug, None)
        else:
            made.agencies[slug] = _record(slug, signature)
    return made


def _same(a: Manifest | None, b: Manifest) -> None:
    assert a is not None
    assert (a.key, a.pages, a.files, a.agencies) == (b.key, b.pages, b.files, b.agencies)


@settings(max_examples=150, deadline=None)
@given(st.lists(step, max_size=8), st.sampled_from([0, 1, manifest.COMPACT]), st.booleans())
def test_the_record_read_is_the_record_written(steps: list, compact: int, told: bool) -> None:
    """Whatever was added, changed and removed, by builds reading the record or keeping it
    in memory, and whether the delta is folded or not: read back, the last record written,
    as a whole write keeps it; whether told which files were written or removed (as a
    warm build does) or not."""
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as mp:
        mp.setattr(manifest, "COMPACT", compact)
        state = Path(folder)
        m = Manifest("k0", {s: _record(s, "s0") for s in SLUGS[:3]}, {}, {PATHS[0]: (1, 1, "x")})
        manifest.write(m, state)
        for files, agencies, reread, key in steps:
            old = manifest.read(state) if reread else m
            assert old is not None
            m = _next(old, files, agencies, key)
            manifest.write(m, state, old, set(files) if told else None)
            _same(manifest.read(state), m)
            _same(manifest.loads(manifest.dumps(m)), m)


def _delta_portal(tmp_path: Path, mp: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """The fixture portal, built, with every later record written as a delta."""
    mp.setattr(manifest, "COMPACT", 0)  # never folded
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    return content, out, tmp_path / ".nianbao-cache" / "site"


# every kind of change but site.yaml's (a new key: a cold build), each applying to what
# the ones before it left
SEQUENCE = [
    "edit a number",
    "edit a narrative",
    "edit 结转 across two years",
    "add a year",
    "delete a year",
    "add an agency",
    "rename an agency",
    "regroup an agency",
    "expect an agency from an earlier year",
    "save without changes",
    "rename an agency folder",
]


def test_edits_one_after_another_through_the_delta(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Change after change, each written as a delta on the first record: each build
    equals a clean one, and the first record is left as it was, until folded."""
    content, out, state = _delta_portal(tmp_path, monkeypatch)
    whole = (state / manifest.NAME).read_bytes()
    for name in SEQUENCE:
        CHANGES[name](content)
        run = nianbao("build", "--content", content, "--out", out)
        assert run.code == 0, (name, run.out)
        assert "更新" in run.lines[-1], name  # warm
        assert tree(out) == full_build(content, tmp_path), name
        assert (state / manifest.NAME).read_bytes() == whole, name
    assert (state / manifest.NAME).read_bytes() == whole
    assert (state / manifest.DELTA).exists()
    monkeypatch.setattr(manifest, "COMPACT", 10**9)  # folded at the next change
    CHANGES["edit a narrative"](content)
    shutil.rmtree(content / "town-b")
    assert nianbao("build", "--content", content, "--out", out).code == 0
    assert not (state / manifest.DELTA).exists()
    assert (state / manifest.NAME).read_bytes() != whole
    assert "，更新 0 个，" in nianbao("build", "--content", content, "--out", out).lines[-1]


def _flip_last_byte(p: Path) -> None:
    data = bytearray(p.read_bytes())
    data[-1] ^= 1
    p.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["a byte changed", "cut short", "another record's"])
def test_an_odd_delta_is_no_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """Including the delta of the record a build interrupted after replacing it leaves."""
    content, out, state = _delta_portal(tmp_path, monkeypatch)
    CHANGES["edit a number"](content)
    assert nianbao("build", "--content", content, "--out", out).code == 0
    delta = state / manifest.DELTA
    assert manifest.read(state) is not None and delta.exists()
    if damage == "a byte changed":
        _flip_last_byte(delta)
    elif damage == "cut short":
        delta.write_bytes(delta.read_bytes()[:-10])
    else:
        made = manifest.read(state)
        assert made is not None
        made.key = "another"
        (state / manifest.NAME).write_bytes(manifest.dumps(made))
    assert manifest.read(state) is None
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 2  # the output is no longer known as nianbao's: refused, kept
    assert "不是空目录，也没有 nianbao 生成它的记录" in run.err
