"""`kg push`: publish the graph to a triple store with the SPARQL 1.1 Graph Store Protocol.

One ``PUT ENDPOINT?graph=IRI`` with the Turtle as body: the store replaces the named
graph's content with it in one operation (Oxigraph, Fuseki, GraphDB and Virtuoso
implement PUT as an atomic replace), so readers see the old graph or the new one.

Only a 2xx answer is success.  A redirect is reported (a login page or a moved endpoint
stores nothing) unless ``follow_redirects`` is set; then httpx follows it and sends the
file again, and an answer to anything but the PUT (a 302 or 303 turns it into a GET)
is still a failure.  When the store does not answer, the error says whether the graph
was sent.
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


class _Body:
    """The file as a request body that can be sent again (after a redirect), counting
    the bytes handed to the connection."""

    def __init__(self, path: Path) -> None:
        self.path, self.sent, self.size = path, 0, path.stat().st_size

    def __iter__(self) -> Iterator[bytes]:  # a new pass over the file each time
        self.sent = 0
        with self.path.open("rb") as stream:
            while block := stream.read(CHUNK):
                yield block
                self.sent += len(block)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:200]


def push_graph(
    path: Path,
    endpoint: str,
    graph: str,
    timeout: float = 300,
    follow_redirects: bool = False,
) -> Pushed:
    """PUT the Turtle file ``path`` as named graph ``graph`` at a Graph Store endpoint."""
    _check_target(endpoint, graph)
    triples = count_triples(path)  # a broken file is caught before the store sees it
    headers = {"Content-Type": "text/turtle; charset=utf-8"}
    body = _Body(path)
    try:
        response = httpx.put(
            endpoint,
            params={"graph": graph},
            content=body,
            headers=headers,
            timeout=timeout,
            follow_redirects=follow_redirects,
        )
    except httpx.TooManyRedirects as err:
        raise PublishError(f"{endpoint}: too many redirects; nothing was stored") from err
    except httpx.HTTPError as err:
        raise PublishError(_unanswered(endpoint, body, timeout, err)) from err
    _check_answer(endpoint, response)
    return Pushed(endpoint, graph, triples, response.status_code)


def _check_answer(endpoint: str, response: httpx.Response) -> None:
    """Raise PublishError unless the store answered the PUT itself with a 2xx."""
    status = f"{response.status_code} {response.reason_phrase}".strip()
    if response.is_redirect:
        where = response.headers.get("location", "nowhere")
        raise PublishError(
            f"{endpoint} answered {status}, redirecting to {where}; nothing was stored "
            "(check the endpoint, or push again with --follow-redirects)"
        )
    if response.request.method != "PUT":
        raise PublishError(
            f"{endpoint} redirected the PUT to {response.request.url}, which turned it into "
            f"a {response.request.method}; nothing was stored (use that URL as --endpoint)"
        )
    if not response.is_success:
        detail = _first_line(response.text)
        raise PublishError(
            f"{endpoint} refused the graph: {status}" + (f": {detail}" if detail else "")
        )


def _unanswered(endpoint: str, body: _Body, timeout: float, err: httpx.HTTPError) -> str:
    """What is known when no answer came: whether the graph was sent, and what happened."""
    reason = " ".join(str(err).split()) or type(err).__name__
    if isinstance(err, (httpx.ConnectError, httpx.ConnectTimeout)) or body.sent == 0:
        return f"cannot reach {endpoint} ({reason}); nothing was sent"
    whole = "" if body.sent == body.size else f" of {body.size:,}"
    sent = f"sent {body.sent:,}{whole} bytes to {endpoint}"
    if isinstance(err, httpx.ReadTimeout):
        return (
            f"{sent}, but no answer within {timeout:g} s (--timeout); the store may or may "
            "not have replaced the graph"
        )
    return f"{sent}, then the connection failed ({reason}); the store may not have the graph"
