"""kg serve over real HTTP: SPARQLWrapper and plain httpx against a uvicorn on loopback.

One server per module (uvicorn in a thread, on a port the OS picks), stopped at the end.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
import urllib.error
import xml.etree.ElementTree as ET

import httpx
import pytest
import rdflib
import uvicorn
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg import serve as sv
from kg.cli import app

TIMEOUT = 2.0
MAX_ROWS = 500
VISITED = """SELECT ?visitor ?destination WHERE {
  ?a kg:visited ?t .
  ?a rdfs:label ?visitor . FILTER(lang(?visitor) = "ja")
  ?t rdfs:label ?destination . FILTER(lang(?destination) = "ja")
}"""
PREFIXES = "PREFIX kg: <https://w3id.org/kg/ns#>\nPREFIX ent: <https://w3id.org/kg/id/>\n"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PUTIN_VISITED_NK = (
    rdflib.URIRef("https://w3id.org/kg/id/Vladimir_Putin"),
    rdflib.URIRef("https://w3id.org/kg/ns#visited"),
    rdflib.URIRef("https://w3id.org/kg/id/North_Korea"),
)


@pytest.fixture(scope="module")
def endpoint(seeds_build, tmp_path_factory):
    """The base URL of a running `kg serve` of (a copy of) the seeds' graph."""
    _, out = seeds_build
    folder = tmp_path_factory.mktemp("served")
    shutil.copy(out / "graph.ttl", folder / "graph.ttl")
    application = sv.create_app(folder, sv.Limits(timeout=TIMEOUT, max_rows=MAX_ROWS), workers=2)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(application, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    for _ in range(300):  # bounded: at most 30 s for startup
        if server.started:
            break
        time.sleep(0.1)
    else:
        pytest.fail("kg serve did not start")
    base = f"http://127.0.0.1:{port}"
    httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=30)  # workers are up
    yield base
    server.should_exit = True
    thread.join(15)
    listener.close()


def sparql(endpoint: str, query: str, fmt=JSON, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{endpoint}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setTimeout(TIMEOUT + 10)
    if method == POST:
        client.setMethod(POST)
    elif method == POSTDIRECTLY:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    return client


# ---------------------------------------------------------------- SPARQLWrapper


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY], ids=["get", "form", "direct"])
def test_sparqlwrapper_select(endpoint, method):
    data = sparql(endpoint, PREFIXES + VISITED, JSON, method).queryAndConvert()
    pairs = {
        (b["visitor"]["value"], b["destination"]["value"]) for b in data["results"]["bindings"]
    }
    assert ("ウラジーミル・プーチン", "北朝鮮") in pairs


def test_sparqlwrapper_ask(endpoint):
    query = PREFIXES + "ASK { ent:Vladimir_Putin kg:visited ent:North_Korea }"
    assert sparql(endpoint, query).queryAndConvert()["boolean"] is True
    query = PREFIXES + "ASK { ent:North_Korea kg:visited ent:Vladimir_Putin }"
    assert sparql(endpoint, query).queryAndConvert()["boolean"] is False


def test_sparqlwrapper_construct_gives_a_graph(endpoint):
    query = PREFIXES + "CONSTRUCT { ?a kg:visited ?b } WHERE { ?a kg:visited ?b }"
    graph = sparql(endpoint, query, TURTLE).queryAndConvert()
    graph = rdflib.Graph().parse(data=graph, format="turtle") if isinstance(graph, bytes) else graph
    assert PUTIN_VISITED_NK in graph


@pytest.mark.parametrize("fmt", [XML, CSV])
def test_sparqlwrapper_other_formats(endpoint, fmt):
    result = sparql(endpoint, PREFIXES + VISITED, fmt).query()
    body = result.response.read().decode("utf-8")
    assert "ウラジーミル・プーチン" in body


def test_sparqlwrapper_update_is_refused(endpoint):
    client = sparql(endpoint, "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", JSON, POST)
    with pytest.raises(urllib.error.HTTPError) as raised:
        client.query()
    assert raised.value.code == 403
    count = sparql(endpoint, "ASK { <http://x/a> ?p ?o }").queryAndConvert()
    assert count["boolean"] is False


def test_sparqlwrapper_malformed_query(endpoint):
    with pytest.raises(QueryBadFormed, match="line 1, column"):
        sparql(endpoint, "SELECT ?x WHERE { ?x").query()


def test_sparqlwrapper_service_is_refused(endpoint):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(urllib.error.HTTPError) as raised:
        sparql(endpoint, query).query()
    assert raised.value.code == 403


# ---------------------------------------------------------------- plain HTTP

RESULT_FORMATS = [
    ("application/sparql-results+json", lambda text: json.loads(text)["head"]["vars"]),
    (
        "application/sparql-results+xml",
        lambda text: [
            v.get("name")
            for v in ET.fromstring(text).iter("{http://www.w3.org/2005/sparql-results#}variable")
        ],
    ),
    ("text/csv", lambda text: text.splitlines()[0].split(",")),
    (
        "text/tab-separated-values",
        lambda text: [v.lstrip("?") for v in text.splitlines()[0].split("\t")],
    ),
]


@pytest.mark.parametrize(("accept", "variables"), RESULT_FORMATS, ids=["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_select_by_content_negotiation(endpoint, accept, variables, how):
    headers = {"Accept": accept}
    url = f"{endpoint}/sparql"
    if how == "get":
        response = httpx.get(url, params={"query": VISITED}, headers=headers)
    elif how == "form":
        response = httpx.post(url, data={"query": VISITED}, headers=headers)
    else:
        headers["Content-Type"] = "application/sparql-query"
        response = httpx.post(url, content=VISITED.encode("utf-8"), headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    assert variables(response.text) == ["visitor", "destination"]
    assert "ウラジーミル・プーチン" in response.text


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml")],
)
def test_construct_and_describe_as_rdf(endpoint, accept, rdf_format):
    construct = "CONSTRUCT { ?a kg:visited ?b } WHERE { ?a kg:visited ?b }"
    response = httpx.get(
        f"{endpoint}/sparql", params={"query": construct}, headers={"Accept": accept}
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    assert PUTIN_VISITED_NK in rdflib.Graph().parse(data=response.text, format=rdf_format)
    describe = "DESCRIBE ent:Vladimir_Putin"
    response = httpx.get(
        f"{endpoint}/sparql", params={"query": describe}, headers={"Accept": accept}
    )
    graph = rdflib.Graph().parse(data=response.text, format=rdf_format)
    assert PUTIN_VISITED_NK in graph and len(graph) > 5


def test_ask_json_and_the_format_parameter(endpoint):
    response = httpx.get(f"{endpoint}/sparql", params={"query": "ASK { ?a kg:visited ?b }"})
    assert response.json() == {"head": {}, "boolean": True}
    response = httpx.get(f"{endpoint}/sparql", params={"query": VISITED, "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("request_args", "status", "message"),
    [
        ({"method": "POST", "data": {"update": "DROP ALL"}}, 403, "read-only"),
        (
            {
                "method": "POST",
                "content": b"DROP ALL",
                "headers": {"Content-Type": "application/sparql-update"},
            },
            403,
            "read-only",
        ),
        (
            {"method": "GET", "params": {"query": "INSERT DATA { <a:a> <a:b> <a:c> }"}},
            403,
            "UPDATE",
        ),
        ({"method": "GET", "params": {"update": "CLEAR ALL"}}, 403, "read-only"),
        ({"method": "GET", "params": {"query": "SELECT ?x WHERE { ?x"}}, 400, "line 1, column"),
        ({"method": "GET", "params": {}}, 400, "no query"),
        (
            {"method": "POST", "content": b"ASK {}", "headers": {"Content-Type": "text/plain"}},
            415,
            "",
        ),
        (
            {"method": "GET", "params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}},
            406,
            "",
        ),
        ({"method": "GET", "params": {"query": "SELECT * WHERE { ?s ?p ?o }"}}, 503, "500 rows"),
        (
            {
                "method": "POST",
                "content": b"ASK {} " + b"#" * 500_000,
                "headers": {"Content-Type": "application/sparql-query"},
            },
            413,
            "longer than",
        ),
    ],
    ids=[
        "update-form",
        "update-body",
        "update-as-query",
        "update-get",
        "malformed",
        "empty",
        "media-type",
        "not-acceptable",
        "too-many-rows",
        "too-long",
    ],
)
def test_refusals_and_errors(endpoint, request_args, status, message):
    args = dict(request_args)
    response = httpx.request(args.pop("method"), f"{endpoint}/sparql", **args)
    assert response.status_code == status, response.text
    assert message in response.text
    assert "Traceback" not in response.text and len(response.text.splitlines()) == 1


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "select * where {{ optional {{ service silent <{url}> {{ ?s ?p ?o }} }} }}",
        "SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        "ASK {{ FILTER NOT EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    ],
    ids=["plain", "silent-lowercase-optional", "variable", "exists", "subquery"],
)
def test_service_is_refused_and_nothing_is_contacted(endpoint, template):
    with socket.socket() as trap:
        trap.bind(("127.0.0.1", 0))
        trap.listen()
        trap.settimeout(0.3)
        query = template.format(url=f"http://127.0.0.1:{trap.getsockname()[1]}/sparql")
        response = httpx.post(f"{endpoint}/sparql", data={"query": query})
        assert response.status_code == 403 and "SERVICE" in response.text
        with pytest.raises(TimeoutError):
            trap.accept()


def test_a_slow_query_is_stopped_and_the_server_keeps_answering(endpoint):
    answers: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        answers["slow"] = httpx.get(f"{endpoint}/sparql", params={"query": SLOW}, timeout=30)
        answers["slow_seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    quick = httpx.get(
        f"{endpoint}/sparql", params={"query": "ASK { ?a kg:visited ?b }"}, timeout=30
    )
    assert quick.status_code == 200 and time.monotonic() - started < 1.5  # the other worker
    thread.join(30)
    response = answers["slow"]
    assert response.status_code == 503 and "time limit of 2 s" in response.text
    assert answers["slow_seconds"] < TIMEOUT + 2
    for _ in range(3):  # the killed worker was replaced: queries keep being answered
        started = time.monotonic()
        again = httpx.get(f"{endpoint}/sparql", params={"query": VISITED}, timeout=30)
        assert again.status_code == 200 and time.monotonic() - started < TIMEOUT


# ---------------------------------------------------------------- saved queries and the page


def test_saved_queries_over_http(endpoint):
    listed = httpx.get(f"{endpoint}/queries").json()
    assert {"visited", "about", "between"} <= {entry["name"] for entry in listed}
    response = httpx.get(
        f"{endpoint}/queries/about", params={"label": "プーチン", "format": "json"}
    )
    entities = {b["entity"]["value"] for b in response.json()["results"]["bindings"]}
    assert entities == {"https://w3id.org/kg/id/Vladimir_Putin"}
    hostile = httpx.get(f"{endpoint}/queries/about", params={"label": '"} ?s ?p ?o {'})
    assert hostile.status_code == 200 and hostile.json()["results"]["bindings"] == []
    assert httpx.get(f"{endpoint}/queries/about").status_code == 400
    assert httpx.get(f"{endpoint}/queries/nope").status_code == 404


def test_the_page_works_offline_and_lists_the_saved_queries(endpoint):
    response = httpx.get(f"{endpoint}/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    for name in ("visited", "signed", "about", "between"):
        assert f'"name": "{name}"' in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing from a CDN
    policy = response.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)[1]
    assert f'<script nonce="{nonce}">' in page and "default-src 'none'" in policy


def test_the_page_escapes_what_it_shows(monkeypatch):
    evil = "</script><script>alert(1)</script><b onmouseover=x>"
    monkeypatch.setattr(
        sv,
        "saved_query_list",
        lambda: [{"name": evil, "description": evil, "params": [], "text": evil}],
    )
    page = sv.render_page(evil, "n0nce")
    assert evil not in page
    assert "<script>alert(1)" not in page and "<b onmouseover" not in page


@pytest.mark.parametrize(
    ("accept", "offered", "chosen"),
    [
        ("", ["a/x", "b/y"], "a/x"),
        ("*/*", ["a/x", "b/y"], "a/x"),
        ("b/*;q=0.9, a/x;q=0.1", ["a/x", "b/y"], "b/y"),
        ("a/x;q=0", ["a/x", "b/y"], None),
        ("text/html,application/xhtml+xml,*/*;q=0.8", ["a/x"], "a/x"),
        ("B/Y", ["a/x", "b/y"], "b/y"),
    ],
)
def test_negotiate(accept, offered, chosen):
    assert sv.negotiate(accept, offered) == chosen


def test_serve_listens_on_loopback_unless_told(runner):
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "127.0.0.1" in result.output


# ---------------------------------------------------------------- the page in a browser

CHROMIUM = "/usr/bin/chromium" if shutil.which("/usr/bin/chromium") else shutil.which("chromium")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium to drive the page with")
def test_the_page_runs_saved_and_typed_queries_in_a_browser(endpoint):
    sync_api = pytest.importorskip("playwright.sync_api")
    requests, problems = [], []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(f"{endpoint}/")
            page.click("#saved button:has-text('visited')")
            page.click("button[type=submit]")
            page.wait_for_selector("#results td", timeout=10_000)
            assert "ウラジーミル・プーチン" in page.inner_text("#results")
            page.click("#saved button:has-text('about')")
            page.fill("input[data-param=label]", "プーチン")
            page.click("button[type=submit]")
            # (selectors, not wait_for_function: the page's CSP rightly forbids eval)
            page.wait_for_selector("#results td:has-text('Vladimir_Putin')", timeout=10_000)
            page.fill("#query", "SELECT ?x WHERE { ?x")
            page.click("button[type=submit]")
            page.wait_for_selector("#results .error", timeout=10_000)
            assert "line 1, column" in page.inner_text("#results")
        finally:
            browser.close()
    assert problems == [] or all("400" in problem for problem in problems), problems
    assert all(url.startswith(endpoint) for url in requests), requests


def _asgi_requests(application, requests, base_url="http://127.0.0.1:7878"):
    """Replies to (method, path, headers[, body]) requests sent straight to the ASGI app (no
    lifespan, so no worker processes: enough for what middleware answers on its own)."""
    import anyio

    async def send_all():
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            return [
                await client.request(m, path, headers=h, content=(rest or [None])[0])
                for m, path, h, *rest in requests
            ]

    return anyio.run(send_all)


def test_cors_is_off_unless_an_origin_is_given(seeds_build):
    _, out = seeds_build
    origin, other = "https://editor.example", "https://elsewhere.example"
    [plain] = _asgi_requests(sv.create_app(out), [("GET", "/queries", {"Origin": origin})])
    assert plain.status_code == 200
    assert "access-control-allow-origin" not in plain.headers

    preflight_headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    preflight, allowed, unlisted, refused = _asgi_requests(
        sv.create_app(out, cors_origins=[origin]),
        [
            ("OPTIONS", "/sparql", preflight_headers),
            ("GET", "/queries", {"Origin": origin}),
            ("GET", "/queries", {"Origin": other}),
            ("OPTIONS", "/sparql", {"Origin": other, "Access-Control-Request-Method": "POST"}),
        ],
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == origin
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert allowed.headers["access-control-allow-origin"] == origin
    assert "access-control-allow-origin" not in unlisted.headers
    assert refused.status_code == 400


# ---------------------------------------------------------------- hostile clients


@pytest.mark.parametrize(
    ("bound", "extra", "host", "answered"),
    [
        ("127.0.0.1", [], "127.0.0.1:7878", True),
        ("127.0.0.1", [], "localhost:7878", True),
        ("127.0.0.1", [], "[::1]:7878", True),
        ("127.0.0.1", [], "attacker.example:7878", False),  # DNS rebinding
        ("127.0.0.1", [], "127.0.0.1.attacker.example", False),
        ("127.0.0.1", ["kg.lan"], "kg.lan:7878", True),
        ("192.0.2.7", [], "192.0.2.7:7878", True),
        ("192.0.2.7", [], "localhost", False),
        ("0.0.0.0", [], "elsewhere.example", False),
        ("0.0.0.0", ["kg.example.org"], "kg.example.org", True),
    ],
)
def test_only_host_headers_naming_the_server_are_answered(
    seeds_build, bound, extra, host, answered
):
    _, out = seeds_build
    application = sv.create_app(out, host=bound, allowed_hosts=extra)
    replies = _asgi_requests(
        application,
        [("GET", path, {"Host": host}) for path in ("/", "/queries", "/sparql?query=ASK%7B%7D")],
    )
    for reply in replies:
        assert (reply.status_code != 400) is answered, (reply.status_code, reply.text)


def test_the_served_page_and_endpoint_refuse_a_rebinding_host(endpoint):
    port = endpoint.rsplit(":", 1)[1]
    evil = httpx.get(f"{endpoint}/queries", headers={"Host": f"attacker.example:{port}"})
    assert evil.status_code == 400
    assert httpx.get(f"{endpoint}/queries").status_code == 200


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize(
    ("cors", "origin", "refused"),
    [
        ([], "https://attacker.example", True),
        ([], "null", True),  # a sandboxed page or a file:// page
        ([], "http://127.0.0.1:7878", False),  # the query page itself
        (["https://editor.example"], "https://editor.example", False),
        (["https://editor.example"], "https://attacker.example", True),
        (["*"], "https://anywhere.example", False),
    ],
)
def test_a_cross_origin_post_is_refused_unless_cors_allows_it(seeds_build, cors, origin, refused):
    _, out = seeds_build
    application = sv.create_app(out, cors_origins=cors)
    headers = {**FORM, "Origin": origin}
    [reply] = _asgi_requests(application, [("POST", "/sparql", headers, b"query=ASK%7B%7D")])
    assert (reply.status_code == 403) is refused, (reply.status_code, reply.text)
    if refused:
        assert "cross-origin" in reply.text


def test_a_cross_origin_form_post_runs_nothing_on_a_real_server(endpoint):
    query = {"query": "ASK { ?a kg:visited ?b }"}
    evil = httpx.post(f"{endpoint}/sparql", data=query, headers={"Origin": "https://a.example"})
    assert evil.status_code == 403
    same = httpx.post(f"{endpoint}/sparql", data=query, headers={"Origin": endpoint})
    assert same.status_code == 200 and same.json()["boolean"] is True


@pytest.mark.parametrize("media", ["text/plain", "multipart/form-data; boundary=x", ""])
def test_a_post_must_carry_a_sparql_or_form_content_type(endpoint, media):
    headers = {"Content-Type": media} if media else {}
    reply = httpx.post(f"{endpoint}/sparql", content=b"query=ASK%7B%7D", headers=headers)
    assert reply.status_code == 415
