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
    with pytest.raises(
        QueryError, match=r"graph.ttl: not a readable Turtle graph: line 1, column \d+: "
    ):
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


# --- Every command that reads a graph: a cut or invalid file is one line, exit 1. ---


def _cut_after(marker: bytes, extra: int = 0):
    def cut(data: bytes) -> bytes:
        return data[: data.index(marker) + len(marker) + extra]

    return cut


CUTS = {
    "in-a-character": _cut_after("北".encode(), -2),  # a UTF-8 sequence cut in two
    "after-a-quote": _cut_after(b'kg:evidence "'),  # rdflib: AssertionError
    "in-a-name": _cut_after(b"kg:modality kg:", 3),  # rdflib: IndexError
    "in-a-statement": _cut_after(b"kg:agent "),
    "not-turtle": lambda data: b"<html>not a graph</html>\n" + data,
}
COMMANDS = {
    "validate": ["validate"],
    "eval": ["eval", "tests/gold/seeds.jsonl"],
    "analyze": ["analyze"],
    "query": ["query", "visited"],
    "export-nt": ["export", "--format", "nt"],
    "export-ttl": ["export", "--format", "ttl"],
    "export-jsonld": ["export", "--format", "jsonld"],
    "export-graphml": ["export", "--format", "graphml"],
    "push": ["push", "--endpoint", "http://127.0.0.1:9/store"],
    "serve": ["serve", "--port", "0"],
}


@pytest.fixture(scope="module")
def cut_graphs(seeds_build, tmp_path_factory):
    """One build folder per cut of the seeds' graph.ttl."""
    _, out = seeds_build
    data = (out / "graph.ttl").read_bytes()
    folders = {}
    for name, cut in CUTS.items():
        folder = tmp_path_factory.mktemp(name)
        (folder / "graph.ttl").write_bytes(cut(data))
        folders[name] = folder
    return folders


@pytest.mark.parametrize("cut", list(CUTS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_cut_or_invalid_graph_is_one_line_and_exit_1(runner, cut_graphs, command, cut):
    import re

    from kg.cli import app
    from tests.conftest import ROOT

    folder = cut_graphs[cut]
    arguments = [*COMMANDS[command], "-g" if command != "push" else "--build", str(folder)]
    if command == "eval":
        arguments[1] = str(ROOT / arguments[1])
    result = runner.invoke(app, arguments)
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output, result.output
    assert re.fullmatch(
        rf"error: {re.escape(str(folder / 'graph.ttl'))}: not a readable Turtle graph: "
        r"line \d+, column \d+: .+\n",
        result.output,
    ), result.output


def test_export_writes_nothing_before_finding_the_graph_cut(runner, cut_graphs):
    from kg.cli import app

    result = runner.invoke(app, ["export", "--format", "nt", "-g", str(cut_graphs["in-a-name"])])
    assert result.exit_code == 1 and "<https://" not in result.output


def test_shapes_that_do_not_exist_are_named_where_they_were_looked_for(
    runner, build_dir, monkeypatch, tmp_path
):
    from kg.cli import app

    monkeypatch.chdir(build_dir)
    result = runner.invoke(app, ["validate", "-g", "graph.ttl", "--shapes", "nope.ttl"])
    assert result.exit_code == 1
    assert result.output == "error: cannot read the shapes: nope.ttl: no such file\n"
