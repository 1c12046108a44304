"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over a built graph.

A thin Starlette app served by uvicorn.  Queries run in a small pool of worker
processes, each holding the graph's on-disk Oxigraph store open read-only
(:func:`kg.store.served_store`):

* ``GET /sparql?query=…`` and ``POST /sparql`` (``application/sparql-query`` body or
  form-encoded ``query=``), with ``default-graph-uri`` / ``named-graph-uri``;
  results by content negotiation (``Accept``, or ``format=json|xml|csv|tsv|ttl|nt``):
  SPARQL JSON, XML, CSV and TSV for SELECT and ASK; Turtle, N-Triples, RDF/XML and
  JSON-LD for CONSTRUCT and DESCRIBE;
* ``GET /queries`` (the saved queries as JSON) and ``GET /queries/NAME?param=value``
  (a saved query run with its parameters bound safely, :func:`kg.query.bind_saved_query`);
* ``GET /`` a page with a query box and the saved queries; it loads nothing from the
  network.

Refusals: SPARQL UPDATE (``update=``, ``application/sparql-update``, or an update as
the query) → 403; a SERVICE clause (:func:`kg.query.uses_service`) → 403; a malformed
query → 400 with the parser's message; a query over the time limit (``--timeout``,
measured from arrival, waiting for a free worker included) → 503, and its worker is
killed and replaced (Oxigraph cannot be interrupted from another thread, a process
can); a result over ``--max-rows`` → 503; a worker that dies (``--max-memory``) → 500.

Hostile clients: a request whose Host header names neither the address the server is
bound to nor a name added with ``--allow-host`` gets a 400 (Starlette's
TrustedHostMiddleware), so a page on another site whose name has been rebound to
127.0.0.1 (DNS rebinding) cannot query the loopback endpoint; a POST must be a SPARQL or
form-encoded query (415 otherwise) and, unless ``--cors`` allows its origin, a POST whose
Origin is another site is refused (403) before it runs (a cross-site form can send one
without asking the browser first).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import queue
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import asdict, astuple, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import parse_qs

import anyio
import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from kg import query as q
from kg.resources import templates_dir
from kg.store import served_store

JSON_RESULTS = "application/sparql-results+json"
SOLUTION_FORMATS: dict[str, Callable[[q.Results], str]] = {
    JSON_RESULTS: lambda results: q.to_json(results, indent=None),
    "application/sparql-results+xml": q.to_xml,
    "text/csv": q.to_sparql_csv,
    "text/tab-separated-values": q.to_sparql_tsv,
    "application/json": lambda results: q.to_json(results, indent=None),
    "application/xml": q.to_xml,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
FORMAT_NAMES = {
    "json": JSON_RESULTS,
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Limits:
    """What one query may take."""

    timeout: float = 10.0  # seconds from arrival to answer
    max_rows: int = 100_000  # solutions or triples in one result
    max_query_chars: int = 100_000
    max_memory_mb: int = 4096  # address space of a worker process (0: no limit)


@dataclass(frozen=True)
class Job:
    """One query for a worker: the text, the client's Accept, the protocol's dataset."""

    query: str
    accept: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, media type, body."""

    status: int
    media_type: str
    body: bytes


def text_reply(status: int, message: str) -> Reply:
    """A one-line plain-text answer (errors and refusals)."""
    return Reply(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


# ---------------------------------------------------------------- content negotiation


def _media_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        if not media:
            continue
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                with contextlib.suppress(ValueError):
                    weight = float(value)
        ranges.append((media.lower(), weight))
    return ranges


def negotiate(accept: str, offered: list[str]) -> str | None:
    """The offered media type the Accept header likes best (first offered on a tie).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", ["a/json", "text/csv",
    ...     "application/sparql-results+xml"])
    'application/sparql-results+xml'
    >>> negotiate("", ["a/json"]), negotiate("text/*", ["a/json", "text/csv"])
    ('a/json', 'text/csv')
    >>> negotiate("image/png", ["a/json"]) is None
    True
    """
    ranges = _media_ranges(accept) or [("*/*", 1.0)]
    best, best_weight = None, 0.0
    for media in offered:
        kind = media.split("/")[0] + "/*"
        weight = max(
            (w for pattern, w in ranges if pattern in (media, kind, "*/*")),
            default=0.0,
        )
        if weight > best_weight:
            best, best_weight = media, weight
    return best


def render(results: q.Results, accept: str) -> Reply:
    """The results in the format the client asked for; 406 when none fits."""
    if results.kind == "graph":
        media = negotiate(accept, list(GRAPH_FORMATS))
        if media is not None:
            body = q.to_rdf(results, GRAPH_FORMATS[media])
            return Reply(200, f"{media}; charset=utf-8", body)
    else:
        media = negotiate(accept, list(SOLUTION_FORMATS))
        if media is not None:
            body = SOLUTION_FORMATS[media](results).encode("utf-8")
            return Reply(200, f"{media}; charset=utf-8", body)
    offered = ", ".join(GRAPH_FORMATS if results.kind == "graph" else SOLUTION_FORMATS)
    return text_reply(406, f"cannot answer in {accept!r}; this result can be: {offered}")


# ---------------------------------------------------------------- the worker processes


def answer(store: ox.Store, job: Job, max_rows: int) -> Reply:
    """Run one query on the store and render it: what a worker process does."""
    try:
        options: dict[str, object] = {}
        if job.default_graphs:
            options["default_graph"] = [ox.NamedNode(iri) for iri in job.default_graphs]
        if job.named_graphs:
            options["named_graphs"] = [ox.NamedNode(iri) for iri in job.named_graphs]
        results = q.run_query(store, job.query, max_rows=max_rows, **options)
    except q.TooManyRows as problem:
        return text_reply(503, f"result too large: {problem} (the limit is --max-rows)")
    except q.MalformedQuery as problem:
        return text_reply(400, str(problem))
    except ValueError as problem:
        return text_reply(400, f"bad graph IRI: {problem}")
    except q.QueryError as problem:
        return text_reply(500, str(problem))
    return render(results, job.accept)


def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def worker_main(argv: list[str]) -> None:
    """A worker process (``python -m kg.serve FD STORE MAX_ROWS MAX_MEMORY_MB TIMEOUT``):
    open the store read-only, answer the jobs that come through the socket FD until it
    closes.

    Each job runs under ``alarm(TIMEOUT + 5)`` with SIGALRM's default action: should the
    server that ought to kill a runaway query be gone, the kernel ends the process.
    """
    fd, store_path, max_rows, max_memory_mb, timeout = argv
    conn = Connection(int(fd))
    try:
        store: ox.Store | None = ox.Store.read_only(store_path)
        problem = ""
    except OSError as err:
        store, problem = None, f"cannot open the store {store_path}: {err}"
    _limit_memory(int(max_memory_mb))
    backstop = math.ceil(float(timeout)) + 5
    while True:
        try:
            job = Job(*conn.recv())
        except (EOFError, OSError):
            return
        signal.alarm(backstop)
        if store is None:
            reply = text_reply(500, problem)
        else:
            reply = answer(store, job, int(max_rows))
        signal.alarm(0)
        try:
            conn.send(astuple(reply))  # plain data: this module is __main__ here
        except OSError:
            return


@dataclass(eq=False)  # hashed by identity: the pool keeps a set of them
class Worker:
    """A worker process and the server's end of its socket."""

    process: subprocess.Popen
    conn: Connection

    def stop(self) -> None:
        """Kill the process (a query in Rust cannot be interrupted otherwise)."""
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        with contextlib.suppress(OSError):
            self.conn.close()


class WorkerPool:
    """Worker processes that answer jobs; one past its deadline is killed and replaced."""

    def __init__(self, store_path: Path, size: int, limits: Limits) -> None:
        self.store_path, self.size, self.limits = store_path, size, limits
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._workers: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start the workers (each opens the store while the first jobs queue up)."""
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def _spawn(self) -> Worker:
        """Start ``python -m kg.serve`` on one end of a socket pair.

        A fresh interpreter rather than multiprocessing: it never re-imports the
        server's ``__main__``, and it has its own session, so a Ctrl-C meant for the
        server does not reach it; when the server dies its socket closes and it exits.
        """
        ours, theirs = socket.socketpair()
        limits = self.limits
        command = [sys.executable, "-m", "kg.serve", str(theirs.fileno()), str(self.store_path)]
        command += [str(limits.max_rows), str(limits.max_memory_mb), str(limits.timeout)]
        try:
            process = subprocess.Popen(
                command,
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env={**os.environ, "RUST_BACKTRACE": "0"},  # out of memory: one line, not a trace
            )
        finally:
            theirs.close()
        worker = Worker(process, Connection(ours.detach()))
        with self._lock:
            self._workers.add(worker)
        return worker

    def _replace(self, worker: Worker) -> None:
        """Kill ``worker`` and put a fresh one in the pool, off the request's path."""
        with self._lock:
            self._workers.discard(worker)

        def renew() -> None:
            worker.stop()
            if not self._closed:
                try:
                    self._idle.put(self._spawn())
                except OSError:  # the pool shrinks by one; the server goes on
                    logging.getLogger("kg.serve").exception("cannot start a query worker")

        threading.Thread(target=renew, daemon=True, name="kg-serve-renew").start()

    def run(self, job: Job) -> Reply:
        """Answer a job within the time limit (blocking; call it from a thread)."""
        timeout = self.limits.timeout
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return text_reply(503, f"all {self.size} query workers stayed busy for {timeout:g} s")
        healthy = False
        try:
            worker.conn.send(astuple(job))
            if not worker.conn.poll(max(deadline - time.monotonic(), 0.0)):
                return text_reply(
                    503, f"query stopped: it exceeded the time limit of {timeout:g} s (--timeout)"
                )
            reply = Reply(*worker.conn.recv())
            healthy = True
            return reply
        except (EOFError, OSError):
            return text_reply(500, "the query worker died (out of memory?); try a smaller query")
        finally:
            if healthy:
                self._idle.put(worker)
            else:
                self._replace(worker)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.stop()


# ---------------------------------------------------------------- HTTP


def _response(reply: Reply) -> Response:
    response = Response(reply.body, status_code=reply.status, media_type=reply.media_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is longer than ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


async def read_job(request: Request, limits: Limits) -> Job | Reply:
    """The query of a SPARQL Protocol request, or the reply that refuses it."""
    params = request.query_params
    accept = FORMAT_NAMES.get(params.get("format", ""), request.headers.get("accept", ""))
    default_graphs, named_graphs = (
        params.getlist("default-graph-uri"),
        params.getlist("named-graph-uri"),
    )
    text: str | None = params.get("query")
    if "update" in params:
        return text_reply(403, "SPARQL UPDATE is refused: this endpoint is read-only")
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _read_body(request, limits.max_query_chars * 4)
        if body is None:
            return text_reply(413, f"query longer than {limits.max_query_chars:,} characters")
        if media == "application/sparql-update":
            return text_reply(403, "SPARQL UPDATE is refused: this endpoint is read-only")
        if media == "application/sparql-query":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return text_reply(400, "the query is not UTF-8")
        elif media == FORM:
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            if "update" in form:
                return text_reply(403, "SPARQL UPDATE is refused: this endpoint is read-only")
            text = (form.get("query") or [None])[0]
            default_graphs += form.get("default-graph-uri", [])
            named_graphs += form.get("named-graph-uri", [])
            if "format" in form:
                accept = FORMAT_NAMES.get(form["format"][0], accept)
        else:
            return text_reply(
                415, "send the query as application/sparql-query or form-encoded query=…"
            )
    if not text or not text.strip():
        return text_reply(400, "no query: give one as query=… (SPARQL 1.1 Protocol)")
    if len(text) > limits.max_query_chars:
        return text_reply(413, f"query longer than {limits.max_query_chars:,} characters")
    return Job(text, accept, tuple(default_graphs), tuple(named_graphs))


def refusal(text: str) -> Reply | None:
    """403 for an update or a SERVICE clause, checked before any engine sees the query."""
    try:
        q.check_readonly_and_local(text)
    except q.RefusedQuery as problem:
        return text_reply(403, str(problem))
    return None


async def _run(request: Request, job: Job) -> Response:
    if (refused := refusal(job.query)) is not None:
        return _response(refused)
    pool: WorkerPool = request.app.state.pool
    reply = await anyio.to_thread.run_sync(pool.run, job)
    return _response(reply)


def cross_origin_refusal(request: Request) -> Reply | None:
    """403 for a POST sent by a page of another origin that ``--cors`` does not allow."""
    origin = request.headers.get("origin")
    if request.method != "POST" or origin is None:
        return None
    own = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
    allowed = request.app.state.cors_origins
    if origin.lower() == own or "*" in allowed or origin in allowed:
        return None
    return text_reply(
        403,
        f"cross-origin POST from {origin} refused (start kg serve with --cors ORIGIN to let "
        "a page of that origin query this endpoint)",
    )


async def sparql_endpoint(request: Request) -> Response:
    """``/sparql``: the SPARQL 1.1 Protocol query operation."""
    if (refused := cross_origin_refusal(request)) is not None:
        return _response(refused)
    job = await read_job(request, request.app.state.limits)
    if isinstance(job, Reply):
        return _response(job)
    return await _run(request, job)


async def saved_query_endpoint(request: Request) -> Response:
    """``/queries/NAME?param=value``: a saved query with its parameters bound."""
    saved = q.saved_queries().get(request.path_params["name"])
    if saved is None:
        return _response(text_reply(404, "no such saved query (see /queries)"))
    params = {k: v for k, v in request.query_params.items() if k != "format"}
    try:
        text = q.bind_saved_query(saved, params)
    except q.QueryError as problem:
        return _response(text_reply(400, str(problem)))
    fmt = request.query_params.get("format", "")
    accept = FORMAT_NAMES.get(fmt, request.headers.get("accept", ""))
    return await _run(request, Job(text, accept))


def saved_query_list() -> list[dict]:
    """The saved queries as plain data (name, description, params, text)."""
    return [asdict(saved) for saved in q.saved_queries().values()]


async def saved_queries_endpoint(request: Request) -> Response:
    """``/queries``: the saved queries as JSON."""
    return JSONResponse(saved_query_list())


def render_page(graph_name: str, nonce: str) -> str:
    """The HTML page: query box, saved queries, results; every value escaped."""
    environment = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(["html"]),
    )
    template = environment.get_template("sparql.html")
    return template.render(graph_name=graph_name, queries=saved_query_list(), nonce=nonce)


async def page(request: Request) -> Response:
    """``/``: the query page (inline script and style allowed by nonce only)."""
    nonce = secrets.token_urlsafe(16)
    html = render_page(request.app.state.graph_name, nonce)
    response = HTMLResponse(html)
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")


def trusted_hosts(host: str, allowed: Sequence[str] = ()) -> list[str]:
    """The Host header names answered by a server bound to ``host``: that address (every
    loopback name for a loopback address or a wildcard one) and the ``allowed`` names.

    >>> trusted_hosts("127.0.0.1")
    ['127.0.0.1', 'localhost', '[::1]']
    >>> trusted_hosts("::1", ["kg.lan"]), trusted_hosts("192.0.2.7")
    (['127.0.0.1', 'localhost', '[::1]', 'kg.lan'], ['192.0.2.7'])
    """
    bound = f"[{host}]" if ":" in host and not host.startswith("[") else host
    loopback = bound in LOOPBACK_NAMES or bound.startswith("127.") or host in WILDCARD_ADDRESSES
    names = [*LOOPBACK_NAMES] if loopback else [bound]
    if loopback and bound not in names and host not in WILDCARD_ADDRESSES:
        names.append(bound)
    return list(dict.fromkeys([*names, *(name.lower() for name in allowed)]))


def create_app(
    location: Path,
    limits: Limits | None = None,
    workers: int = 2,
    cors_origins: Sequence[str] = (),
    host: str = "127.0.0.1",
    allowed_hosts: Sequence[str] = (),
) -> Starlette:
    """The ASGI app serving the graph at ``location`` (a build folder or a .ttl file).

    ``cors_origins`` are the web origins whose pages may query the endpoint from a browser
    (a query editor hosted elsewhere); none by default, ``*`` for any.  Only requests whose
    Host header names ``host`` (the address the server is bound to) or one of
    ``allowed_hosts`` are answered (:func:`trusted_hosts`).
    """
    limits = limits or Limits()
    middleware = [
        Middleware(
            TrustedHostMiddleware,
            allowed_hosts=trusted_hosts(host, allowed_hosts),
            www_redirect=False,
        )
    ]
    if cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                max_age=600,
            )
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        with served_store(location) as store_path:
            pool = WorkerPool(store_path, workers, limits)
            pool.start()
            app.state.pool = pool
            try:
                yield
            finally:
                pool.close()

    app = Starlette(
        routes=[
            Route("/", page),
            Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
            Route("/queries", saved_queries_endpoint),
            Route("/queries/{name}", saved_query_endpoint),
        ],
        lifespan=lifespan,
        middleware=middleware,
    )
    app.state.limits = limits
    app.state.graph_name = str(location)
    app.state.cors_origins = tuple(cors_origins)
    return app


def serve(
    location: Path,
    host: str,
    port: int,
    limits: Limits | None = None,
    workers: int = 2,
    cors_origins: Sequence[str] = (),
    allowed_hosts: Sequence[str] = (),
) -> None:
    """Serve until interrupted (uvicorn)."""
    import uvicorn

    application = create_app(location, limits, workers, cors_origins, host, allowed_hosts)
    uvicorn.run(application, host=host, port=port, log_level="info")


if __name__ == "__main__":
    worker_main(sys.argv[1:])
