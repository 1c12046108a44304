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
    assert (
        result.exit_code == 1 and "graph.ttl: not a readable Turtle graph: line 1" in result.output
    )
    assert count_in(oxigraph_server, graph) == 0


# --- Only 2xx is success; redirects only when asked; a timeout says what it knows. ---


@pytest.fixture
def fake_store():
    """A loopback HTTP server whose answer to a PUT each test sets: (status, headers, delay).

    It records each request's method, path and body length.
    """
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    state = {"answer": (200, {}, 0.0), "requests": []}

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self):  # noqa: N802 — http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            chunked = self.headers.get("Transfer-Encoding", "").lower() == "chunked"
            body = self._chunked() if chunked else self.rfile.read(length)
            state["requests"].append((self.command, self.path, len(body)))
            status, headers, delay = state["answer"]
            time.sleep(delay)  # bounded: a test's delay is a few seconds at most
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):  # noqa: N802 — a PUT turned into a GET by a redirect
            state["requests"].append((self.command, self.path, 0))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _chunked(self) -> bytes:
            body = b""
            while size := int(self.rfile.readline().strip() or b"0", 16):
                body += self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
            return body

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["base"] = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def test_a_302_is_reported_not_taken_for_success(runner, seeds_build, fake_store):
    _, out = seeds_build
    fake_store["answer"] = (302, {"Location": "/login"}, 0.0)
    result = runner.invoke(
        app, ["push", "--endpoint", f"{fake_store['base']}/store", "-g", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert "302" in result.output and "/login" in result.output
    assert "--follow-redirects" in result.output and "nothing was stored" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert [method for method, *_ in fake_store["requests"]] == ["PUT"]


@pytest.mark.parametrize("status", [200, 201, 204])
def test_2xx_is_success(runner, seeds_build, fake_store, status):
    _, out = seeds_build
    fake_store["answer"] = (status, {}, 0.0)
    result = runner.invoke(
        app, ["push", "--endpoint", f"{fake_store['base']}/store", "-g", str(out)]
    )
    assert result.exit_code == 0 and f"({status})" in result.output


def test_follow_redirects_sends_the_graph_again_to_the_new_place(
    runner, seeds_build, seeds_graph, fake_store, oxigraph_server
):
    _, out = seeds_build
    graph = "https://example.org/graphs/redirected"
    fake_store["answer"] = (307, {"Location": f"{oxigraph_server}/store?graph={graph}"}, 0.0)
    args = ["push", "--endpoint", f"{fake_store['base']}/old", "--graph", graph, "-g", str(out)]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1 and count_in(oxigraph_server, graph) == 0
    followed = runner.invoke(app, [*args, "--follow-redirects"])
    assert followed.exit_code == 0, followed.output
    assert count_in(oxigraph_server, graph) == len(seeds_graph)


def test_a_redirect_that_turns_the_put_into_a_get_is_a_failure(runner, seeds_build, fake_store):
    _, out = seeds_build
    fake_store["answer"] = (302, {"Location": "/elsewhere"}, 0.0)
    args = ["push", "--endpoint", f"{fake_store['base']}/store", "-g", str(out)]
    result = runner.invoke(app, [*args, "--follow-redirects"])
    assert (
        result.exit_code == 1 and "GET" in result.output and "nothing was stored" in result.output
    )


def test_a_timeout_after_the_body_was_sent_says_so(runner, seeds_build, fake_store):
    _, out = seeds_build
    size = (out / "graph.ttl").stat().st_size
    fake_store["answer"] = (204, {}, 4.0)
    args = ["push", "--endpoint", f"{fake_store['base']}/store", "-g", str(out), "--timeout", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "cannot reach" not in result.output
    assert f"sent {size:,} bytes" in result.output and "no answer within 1 s" in result.output
    assert fake_store["requests"][0][2] == size
