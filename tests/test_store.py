"""kg.store: the on-disk Oxigraph store beside graph.ttl: made once, reused, remade on change."""

from __future__ import annotations

import os
import shutil

import pyoxigraph as ox
import pytest

from kg import store as st
from kg.query import QueryError, run_query

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(store: ox.Store) -> int:
    return int(run_query(store, COUNT).rows[0][0].value)


@pytest.fixture
def build_dir(seeds_build, tmp_path):
    """A build folder holding a copy of the seeds' graph.ttl (the shared build stays clean)."""
    _, out = seeds_build
    folder = tmp_path / "build"
    folder.mkdir()
    shutil.copy(out / "graph.ttl", folder / "graph.ttl")
    return folder


def _stores(folder):
    return sorted(p.name for p in (folder / st.STORE_DIR).iterdir() if p.is_dir())


def test_first_query_makes_the_store_and_later_ones_reuse_it(build_dir, seeds_graph, monkeypatch):
    first = st.open_store(build_dir, persistent=True)
    assert _count(first) == len(seeds_graph)
    [name] = _stores(build_dir)
    assert (build_dir / st.STORE_DIR / st.MANIFEST).is_file()

    def no_rebuild(*args):
        raise AssertionError("the store was rebuilt")

    monkeypatch.setattr(st, "build_store", no_rebuild)
    monkeypatch.setattr(st, "file_sha256", no_rebuild)  # not even hashed: stat matches
    again = st.open_store(build_dir, persistent=True)
    assert _count(again) == len(seeds_graph)
    assert _stores(build_dir) == [name]


def test_a_touched_but_unchanged_graph_is_hashed_not_rebuilt(build_dir, monkeypatch):
    st.ensure_store(build_dir)
    [name] = _stores(build_dir)
    later = os.stat(build_dir / "graph.ttl").st_mtime_ns + 5_000_000_000
    os.utime(build_dir / "graph.ttl", ns=(later, later))
    monkeypatch.setattr(st, "build_store", lambda *a: pytest.fail("rebuilt an unchanged graph"))
    assert st.ensure_store(build_dir).name == name


def _change(build_dir, number: int) -> None:
    with (build_dir / "graph.ttl").open("a", encoding="utf-8") as stream:
        stream.write(f'\n<https://w3id.org/kg/id/X> <https://w3id.org/kg/ns#p> "新{number}" .\n')


def test_a_changed_graph_gets_a_new_store_and_older_ones_go(build_dir):
    first = st.ensure_store(build_dir)
    _change(build_dir, 1)
    second = st.ensure_store(build_dir)
    assert second != first and first.exists()  # kept for a server that still reads it
    store = ox.Store.read_only(str(second))
    assert run_query(store, 'ASK { ?x kg:p "新1" }').boolean is True
    _change(build_dir, 2)
    third = st.ensure_store(build_dir)
    assert not first.exists() and second.exists() and third.exists()
    assert _stores(build_dir) == sorted([second.name, third.name])


def test_a_half_written_store_is_never_used(build_dir):
    root = build_dir / st.STORE_DIR
    root.mkdir()
    abandoned = root / f"{st.BUILDING_PREFIX}crashed"
    abandoned.mkdir()
    (abandoned / "CURRENT").write_text("garbage", encoding="utf-8")
    stale = os.stat(abandoned).st_mtime - st.STALE_BUILD_SECONDS - 10
    os.utime(abandoned, (stale, stale))
    path = st.ensure_store(build_dir)
    assert not abandoned.exists()
    assert _count(ox.Store.read_only(str(path))) > 0


def test_a_failed_build_leaves_no_store(build_dir):
    (build_dir / "graph.ttl").write_text("<a> <b> .", encoding="utf-8")  # not Turtle
    with pytest.raises(QueryError, match="not a readable Turtle graph"):
        st.ensure_store(build_dir)
    assert _stores(build_dir) == []


def test_small_graphs_are_parsed_into_memory(build_dir, monkeypatch):
    size = (build_dir / "graph.ttl").stat().st_size
    monkeypatch.setattr(st, "MEMORY_MAX_BYTES", size)  # at the threshold: still small
    assert not st.uses_disk(build_dir)
    st.open_store(build_dir)
    assert not (build_dir / st.STORE_DIR).exists()
    monkeypatch.setattr(st, "MEMORY_MAX_BYTES", 0)
    assert st.uses_disk(build_dir)
    st.open_store(build_dir)
    assert _stores(build_dir)


def test_an_unwritable_folder_falls_back_to_memory(build_dir, seeds_graph, monkeypatch):
    def refuse(folder):
        raise PermissionError(13, "Permission denied", str(folder))

    monkeypatch.setattr(st, "ensure_store", refuse)
    assert _count(st.open_store(build_dir, persistent=True)) == len(seeds_graph)


def test_several_readers_at_once(build_dir):
    path = st.ensure_store(build_dir)
    readers = [ox.Store.read_only(str(path)) for _ in range(3)]
    assert len({_count(reader) for reader in readers}) == 1


def test_served_store_of_a_file_is_temporary(build_dir):
    with st.served_store(build_dir / "graph.ttl") as path:
        assert _count(ox.Store.read_only(str(path))) > 0
    assert not path.exists()
    assert not (build_dir / st.STORE_DIR).exists()
