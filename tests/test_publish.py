"""kg push: the graph into a real Oxigraph server on loopback, read back with SPARQL."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef

from kg.cli import app
from kg.publish import DEFAULT_GRAPH


def _oxigraph() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """The base URL of an `oxigraph serve` on loopback (the `oxigraph` PyPI package)."""
    binary = _oxigraph()
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    location = tmp_path_factory.mktemp("oxigraph")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):  # bounded: at most ~10 s
            try:
                if httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1).is_success:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                pytest.fail("oxigraph serve exited")
            time.sleep(0.1)
        else:
            pytest.fail("oxigraph serve did not start")
        yield base
    finally:
        process.terminate()
        process.wait(10)


def count_in(base: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    response = httpx.get(
        f"{base}/query",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    response.raise_for_status()
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def ask_in(base: str, query: str) -> bool:
    response = httpx.get(
        f"{base}/query",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    return response.json()["boolean"]


def test_push_replaces_the_named_graph(runner, seeds_build, seeds_graph, oxigraph_server):
    _, out = seeds_build
    for _ in range(2):  # twice: replaced, not appended
        result = runner.invoke(
            app, ["push", "--endpoint", f"{oxigraph_server}/store", "-g", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert f"{len(seeds_graph):,} triples" in result.output
        assert count_in(oxigraph_server, DEFAULT_GRAPH) == len(seeds_graph)
    assert ask_in(
        oxigraph_server,
        f"ASK {{ GRAPH <{DEFAULT_GRAPH}> {{ <https://w3id.org/kg/id/Vladimir_Putin> "
        "<https://w3id.org/kg/ns#visited> <https://w3id.org/kg/id/North_Korea> } }",
    )


def test_push_to_another_graph_leaves_the_first_alone(
    runner, seeds_build, oxigraph_server, tmp_path
):
    _, out = seeds_build
    runner.invoke(app, ["push", "--endpoint", f"{oxigraph_server}/store", "-g", str(out)])
    before = count_in(oxigraph_server, DEFAULT_GRAPH)
    small = Graph()
    small.add(
        (URIRef("https://w3id.org/kg/id/A"), URIRef("https://w3id.org/kg/ns#p"), Literal("一"))
    )
    small.serialize(tmp_path / "graph.ttl", format="turtle")
    other = "https://example.org/graphs/small"
    args = ["push", "--endpoint", f"{oxigraph_server}/store", "--graph", other, "-g", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert count_in(oxigraph_server, other) == 1
    assert count_in(oxigraph_server, DEFAULT_GRAPH) == before
    result = runner.invoke(app, [*args[:-2], "-g", str(out)])  # and replaced by the big one
    assert result.exit_code == 0 and count_in(oxigraph_server, other) == before


@pytest.mark.parametrize(
    ("endpoint", "extra", "message"),
    [
        (lambda base: f"http://127.0.0.1:{_free_port()}/store", [], "cannot reach"),
        (lambda base: f"{base}/no-such-service", [], "refused the graph: 404"),
        (lambda base: f"{base}/store", ["--graph", "not an iri"], "not an absolute IRI"),
        (lambda base: "ftp://example.org/store", [], "not an http(s) URL"),
    ],
    ids=["server-down", "not-found", "bad-graph-iri", "bad-url"],
)
def test_push_failures_are_one_line(runner, seeds_build, oxigraph_server, endpoint, extra, message):
    _, out = seeds_build
    args = ["push", "--endpoint", endpoint(oxigraph_server), *extra, "-g", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_push_of_a_broken_file_sends_nothing(runner, oxigraph_server, tmp_path):
    (tmp_path / "graph.ttl").write_text("<a> <b> .", encoding="utf-8")
    graph = "https://example.org/graphs/broken"
    args = ["push", "--endpoint", f"{oxigraph_server}/store", "--graph", graph, "-g", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "graph.ttl: line 1, column 1: " in result.output
    assert count_in(oxigraph_server, graph) == 0
