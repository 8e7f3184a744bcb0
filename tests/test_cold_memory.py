"""What a cold build's parent holds as bytes instead of objects answers as the objects
did: output stamps added per folder (filestamps.Stamps.add_folders, listed by ``paths``)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from nianbao.filestamps import Stamps

PATHS = ["index.html", "a/index.html", "a/b.csv", "a/2020/index.html", "b/2020/x.json", "c/d"]
stamp = st.tuples(st.integers(0, 9), st.integers(0, 9), st.sampled_from(["x", "y"]))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.dictionaries(st.sampled_from(PATHS), stamp), max_size=4),
    st.dictionaries(st.sampled_from(PATHS), stamp),
)
def test_folders_added_answer_as_a_dict(agencies: list[dict], later: dict) -> None:
    """Each agency's stamps added as they come (a folder may come twice), then the pages
    about many agencies written over them: as the merged dict, every way it is read."""
    model: dict = {}
    stamps = Stamps()
    for files in agencies:
        model.update(files)
        stamps.add_folders(files)
    for path, value in later.items():
        model[path] = value
        stamps[path] = value
    assert sorted(stamps.paths()) == sorted(model)
    assert len(stamps) == len(model)
    assert Stamps(stamps.chunks()) == Stamps.of(model)
    assert dict(Stamps(stamps.chunks()).items()) == model


def test_paths_decode_nothing_for_good() -> None:
    stamps = Stamps()
    stamps.add_folders({"a/1.html": (1, 2, "x"), "a/2.html": (1, 2, "y"), "b/c.csv": (3, 4, "z")})
    assert sorted(stamps.paths()) == ["a/1.html", "a/2.html", "b/c.csv"]
    assert stamps.chunks().keys() == {"a", "b"}
    assert not stamps._open  # listed, yet still held as bytes
