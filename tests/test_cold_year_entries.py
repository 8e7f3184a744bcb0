"""A cold build's workers make each report's year-page entry beside its pages, the parent
adds up each year's group sums as they come back (yearsums, in any order), and the build
keeps both where yearmodel looks (coldbuild._keep_entries): the year model then makes
none itself. What is kept, and the year made from it, are what yearmodel makes from the
agencies itself, for reports of both formats (2019 and 2021) and for a year mixing them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import PORTAL, nianbao
from nianbao import yearmodel
from nianbao.agencywork import cold_agency, load_and_check, record_of, working, year_entries
from nianbao.buildtypes import Job
from nianbao.coldbuild import _keep_entries
from nianbao.contentfiles import Tree
from nianbao.records import unframed
from nianbao.sitepages import Agencies
from nianbao.siteyaml import site_settings
from nianbao.sources import scan
from nianbao.yearsums import FOLD, YearSums
from test_year_model import records_of, region_agencies

KEY = "build-key"  # a plain string: its own data key (pagekeys.data_key)


def kept(state: Path, year: int) -> Any:
    return unframed(yearmodel.MAGIC, (state / yearmodel.FOLDER / f"{year}.bin").read_bytes())


def portal_agencies() -> tuple[Agencies, dict[str, dict[int, yearmodel.Entry]]]:
    """The fixture portal's agencies, and each one's entries as a worker makes them."""
    records, made = {}, {}
    for slug, folder in scan(PORTAL).agencies.items():
        agency, problems = load_and_check(folder, "portal")
        assert agency is not None
        records[slug] = record_of(folder, agency, problems, {})
        made[slug] = year_entries(folder.digest, agency)
    return Agencies(records), made


def model_of(agencies: Agencies, year: int, state: Path, data: str) -> yearmodel.YearModel:
    return yearmodel.year_model(
        year, agencies.ordered, agencies.made_from, agencies.one, "示例县", state, data
    )


def data_of(state: Path, year: int) -> str:
    """The data key a year's kept entries were made under."""
    key = kept(state, year)[0]
    assert isinstance(key, str)
    return key


def test_entries_made_by_the_workers_are_those_the_year_model_makes(tmp_path: Path) -> None:
    agencies, made = portal_agencies()
    formats = {e.format for by_year in made.values() for e in by_year.values()}
    assert len(formats) == 2  # both national formats: 2019 and 2021
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    sums = YearSums()
    for by_year in reversed(made.values()):  # in any order: as the workers hand them back
        for year, entry in by_year.items():
            sums.add(year, entry)
    _keep_entries(agencies, made, sums, KEY, fast)
    for year in agencies.years():
        models = [model_of(agencies, year, state, KEY) for state in (fast, slow)]
        assert kept(fast, year) == kept(slow, year)
        assert (fast / yearmodel.FOLDER / f"{year}.bin").read_bytes() == (
            slow / yearmodel.FOLDER / f"{year}.bin"
        ).read_bytes()
        assert models[0] == models[1]


def test_sums_added_in_any_order_are_those_of_the_entries_in_display_order() -> None:
    """A year mixing formats (V7: a group sums its first report's format), with more
    reports in a group than are held before they are added up (FOLD)."""
    agencies = region_agencies(count=2 * FOLD + 5, mixed=True)
    records = records_of(agencies)
    entries = [
        (a.slug, yearmodel.entry_of(records[a.slug].digest, a, year))
        for a in agencies
        for year in sorted(a.filed)
        if year == 2021
    ]
    assert len({e.format for _, e in entries}) == 2
    for order in (entries, entries[::-1], entries[1::2] + entries[::2]):
        sums = YearSums()
        for _, entry in order:
            sums.add(2021, entry)
        assert sums.of(2021, entries) == yearmodel._group_sums([e for _, e in entries])


def test_a_cold_build_leaves_the_year_model_no_entry_to_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the CLI: the entries a cold build keeps are found whole by the year model
    (for the build's own data key), and are those it makes itself without them."""
    out = tmp_path / "out" / "site"
    assert nianbao("build", "--content", str(PORTAL), "--out", str(out)).code == 0
    folder = next(p for p in (tmp_path / "out").rglob(yearmodel.FOLDER) if p.is_dir())
    years = sorted(int(p.stem) for p in folder.iterdir())
    agencies = portal_agencies()[0]
    assert years == sorted(agencies.years())
    slow = [model_of(agencies, y, tmp_path / "slow", data_of(folder.parent, y)) for y in years]

    def made_again(*_: object) -> yearmodel.Entry:
        raise AssertionError("an entry the cold build kept was made again")

    monkeypatch.setattr(yearmodel, "entry_of", made_again)
    fast = [model_of(agencies, y, folder.parent, data_of(folder.parent, y)) for y in years]
    assert fast == slow


def test_a_workers_record_and_entries_are_made_from_the_folder_as_read_afresh(
    tmp_path: Path,
) -> None:
    """cold_agency works out an agency's folder digest once, for its record and every
    year's entry: each is the digest of the folder read by itself (both formats)."""
    site = site_settings(PORTAL, "portal", [], Tree(PORTAL, str(PORTAL.resolve())), None, None)
    assert site is not None
    job = Job(site, "portal", KEY, None, tmp_path / "site")
    formats: set[str] = set()
    with working(job):
        for slug, folder in scan(PORTAL).agencies.items():
            record, rendered, _, _, entries = cold_agency(folder)
            assert rendered and entries
            again = scan(PORTAL).agencies[slug]
            load_and_check(again, "portal")
            assert record.digest == again.digest
            assert {e.made_from for e in entries.values()} == {again.digest}
            formats.update(e.format for e in entries.values())
    assert len(formats) == 2  # 2019 and 2021
