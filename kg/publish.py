"""`kg push`: publish the graph to a triple store with the SPARQL 1.1 Graph Store Protocol.

One ``PUT ENDPOINT?graph=IRI`` with the Turtle as body: the store replaces the named
graph's content with it in one operation (Oxigraph, Fuseki, GraphDB and Virtuoso
implement PUT as an atomic replace), so readers see the old graph or the new one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox

from kg.store import count_triples

# The named graph kg publishes to unless told otherwise.  (IRIs are declared in
# kg/vocab.py; this one names where a build goes, not a node of the graph.)
DEFAULT_GRAPH = "https://w3id.org/kg/graph/default"
CHUNK = 1 << 20


class PublishError(Exception):
    """The graph could not be published; the message says where and why, in one line."""


@dataclass(frozen=True)
class Pushed:
    """What was sent where, and what the store answered."""

    endpoint: str
    graph: str
    triples: int
    status: int


def _check_target(endpoint: str, graph: str) -> None:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PublishError(f"{endpoint}: not an http(s) URL")
    try:
        ox.NamedNode(graph)
    except ValueError as err:
        raise PublishError(f"--graph {graph}: not an absolute IRI ({err})") from err
    if not urlsplit(graph).scheme:
        raise PublishError(f"--graph {graph}: not an absolute IRI")


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        while block := stream.read(CHUNK):
            yield block


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:200]


def push_graph(path: Path, endpoint: str, graph: str, timeout: float = 300) -> Pushed:
    """PUT the Turtle file ``path`` as named graph ``graph`` at a Graph Store endpoint."""
    _check_target(endpoint, graph)
    triples = count_triples(path)  # a broken file is caught before the store sees it
    headers = {"Content-Type": "text/turtle; charset=utf-8"}
    try:
        response = httpx.put(
            endpoint,
            params={"graph": graph},
            content=_chunks(path),
            headers=headers,
            timeout=timeout,
        )
    except httpx.HTTPError as err:
        raise PublishError(f"cannot reach {endpoint}: {err}") from err
    if response.status_code >= 400:
        detail = _first_line(response.text)
        reason = f"{response.status_code} {response.reason_phrase}".strip()
        raise PublishError(
            f"{endpoint} refused the graph: {reason}" + (f": {detail}" if detail else "")
        )
    return Pushed(endpoint, graph, triples, response.status_code)
