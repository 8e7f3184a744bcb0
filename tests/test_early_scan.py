"""The command line starts the content scan before it loads the build's modules
(earlyscan.start_early); the build takes that scan only if it is the one it would start,
and not after waiting for another build to finish with the output (the content may have
changed meanwhile)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from conftest import nianbao
from nianbao import earlyscan, outdir, sources
from test_build import tree
from test_incremental import edit_narrative


def test_the_build_takes_the_scan_started_for_it(
    portal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    taken: list[sources.Scanning | None] = []
    early = earlyscan.early

    def watched(content: Path, jobs: int, state: Path | None) -> sources.Scanning | None:
        taken.append(early(content, jobs, state))
        return taken[-1]

    monkeypatch.setattr("nianbao.build.early", watched)
    edit_narrative(portal)
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    assert len(taken) == 1 and taken[0] is not None
    clean = tmp_path / "clean"
    assert nianbao("build", "--content", portal, "--out", clean).code == 0
    assert tree(out) == tree(clean)


def test_verify_starts_its_own_scan(
    portal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Path] = []
    monkeypatch.setattr(earlyscan, "start_early", lambda content, *_: started.append(content))
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out, "--verify").code == 0
    assert started == []
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    assert started == [portal]


def test_a_scan_for_other_arguments_is_not_taken(portal: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    earlyscan.start_early(portal, 1, state)
    assert earlyscan.early(portal, 1, tmp_path / "other") is None
    assert earlyscan.early(portal, 1, state) is None  # stopped: taken by nobody
    earlyscan.start_early(portal, 1, state)
    assert earlyscan.early(portal, 2, state) is None
    earlyscan.start_early(portal, 1, state)
    scanning = earlyscan.early(portal, 1, state)
    assert scanning is not None
    assert scanning.result().agencies.keys() == sources.scan(portal).agencies.keys()
    assert earlyscan.early(portal, 1, state) is None  # taken once


def test_a_build_that_waits_for_the_lock_scans_again(portal: Path, tmp_path: Path) -> None:
    target = outdir.target(tmp_path / "site")
    target.state.mkdir(parents=True)
    other = outdir._Lock(target.state / "lock")  # another build holds the output
    assert other.acquire(wait=False)
    (target.state / "owner").write_text("build 1\n", "utf-8")
    earlyscan.start_early(portal, 1, target.state)
    said: list[str] = []
    held = threading.Event()

    def build() -> None:
        with outdir.hold(target, "build", said.append):
            held.set()

    waiting = threading.Thread(target=build)
    waiting.start()
    for _ in range(200):
        if said:
            break
        time.sleep(0.01)
    assert said and "等它完成后继续" in said[0]
    assert not held.is_set()
    other.release()
    waiting.join(10)
    assert held.is_set()
    assert earlyscan.early(portal, 1, target.state) is None
