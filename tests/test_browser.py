"""graph.html in a real browser: Debian's headless Chromium, driven by Playwright.

One browser per module; each test opens its own page.  The page's Content-Security-Policy
forbids eval, so waiting is done by polling ``page.evaluate`` (which the policy allows)
rather than ``page.wait_for_function``.  ``window.kg`` is the page's handle on its
vis-network instance and data sets.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from kg.analyze import entity_graph
from kg.render import KIND_COLORS, RELATION_COLORS, render_html
from kg.vocab import KG, document_iri, entity_iri, event_iri

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_SCHEMES = ("file:", "data:", "about:")
VIEWPORT = {"width": 1400, "height": 900}

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium: neither /usr/bin/chromium nor `chromium` on PATH "
    "(.ci/run installs Debian's chromium package)",
)

PUTIN = str(entity_iri("Vladimir_Putin"))
XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "</script><script>window.__xss=2</script>"


@dataclass
class Visit:
    """An open page and what it did: requests, console errors, uncaught exceptions."""

    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def js(self, script: str, argument: object = None) -> object:
        return self.page.evaluate(script, argument)

    def wait_for(self, script: str, argument: object = None, timeout: float = 20.0) -> object:
        deadline = time.monotonic() + timeout
        while not (value := self.js(script, argument)):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {script}")
            self.page.wait_for_timeout(50)
        return value


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def visit_page(browser, path: Path) -> Visit:
    """Open ``path`` in a new page, record what it does, and wait for the layout to settle."""
    page = browser.new_page(viewport=VIEWPORT)
    visit = Visit(page)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on(
        "console",
        lambda message: visit.errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.goto(path.as_uri())
    visit.wait_for("Boolean(window.kg && window.kg.stabilized)")
    return visit


@pytest.fixture
def open_page(browser) -> Iterator:
    visits: list[Visit] = []

    def open_(path: Path) -> Visit:
        visits.append(visit_page(browser, path))
        return visits[-1]

    yield open_
    for visit in visits:
        visit.page.close()


@pytest.fixture(scope="module")
def seeds_view(browser, seeds_build) -> Iterator[Visit]:
    """The seeds' page, opened once, for the tests that only look at it."""
    _, out = seeds_build
    visit = visit_page(browser, out / "graph.html")
    yield visit
    visit.page.close()


@pytest.fixture
def seeds_page(seeds_build, open_page) -> Visit:
    """A fresh seeds' page, for a test that hovers, clicks or filters."""
    _, out = seeds_build
    return open_page(out / "graph.html")


# ---- helpers that read the page ----

DOM_POSITION = """([id, point]) => {
  const network = window.kg.network;
  const canvas = point ? point : network.getPositions([id])[id];
  const dom = network.canvasToDOM(canvas);
  const box = document.getElementById("kg-network").getBoundingClientRect();
  return {x: box.left + dom.x, y: box.top + dom.y, nodeAt: network.getNodeAt(dom) ?? null,
          edgeAt: network.getEdgeAt(dom) ?? null};
}"""

# vis-network draws every edge as a curve; getPoint(0.5) is the middle of that curve.
EDGE_MIDDLE = """(id) => window.kg.network.body.edges[id].edgeType.getPoint(0.5)"""

COLOR_PIXELS = """(colors) => {
  const canvas = document.querySelector("#kg-network canvas");
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const wanted = colors.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  const counts = new Array(colors.length).fill(0);
  let painted = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i + 3] === 0) continue;
    painted += 1;
    wanted.forEach((rgb, k) => {
      if (rgb.every((value, c) => Math.abs(pixels[i + c] - value) <= 6)) counts[k] += 1;
    });
  }
  return {painted, counts};
}"""

VISIBLE = """(what) => window.kg[what].get({filter: (item) => !item.hidden}).map((item) =>
  what === "nodes" ? item.id : [item.from, item.kgRelation, item.to].join(" "))"""


def color_pixels(visit: Visit, colors: list[str]) -> dict[str, int]:
    found = visit.js(COLOR_PIXELS, colors)
    return {"painted": found["painted"], **dict(zip(colors, found["counts"], strict=True))}


def tooltip_text(visit: Visit) -> str:
    return visit.wait_for(
        """() => { const tip = document.querySelector("div.vis-tooltip");
                   return tip && tip.style.visibility === "visible" && tip.textContent; }"""
    )


def hover_node(visit: Visit, node: str) -> str:
    spot = visit.js(DOM_POSITION, [node, None])
    assert spot["nodeAt"] == node, "the node is covered by another"
    visit.page.mouse.move(spot["x"], spot["y"])
    return tooltip_text(visit)


def set_time_window(visit: Visit, first: str, last: str) -> None:
    """Move the two sliders to the dates ``first`` and ``last`` (as the page lists them)."""
    visit.js(
        """([first, last]) => {
          const dates = window.kg.payload.dates;
          document.getElementById("kg-from").value = dates.indexOf(first);
          const to = document.getElementById("kg-to");
          to.value = dates.indexOf(last);
          to.dispatchEvent(new Event("input", {bubbles: true}));
        }""",
        [first, last],
    )


# ---- the seeds' graph ----


def test_seeds_graph_loads_nothing_from_the_network_and_logs_no_error(seeds_view):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    seeds_view.page.screenshot(path=str(ARTIFACTS / "seeds-graph.png"))
    assert seeds_view.requests, "the page itself is a request"
    assert [url for url in seeds_view.requests if not url.startswith(LOCAL_SCHEMES)] == []
    assert seeds_view.errors == []


def test_seeds_graph_shows_title_counts_and_build_date(seeds_view, seeds_graph):
    header = seeds_view.js("document.querySelector('header').innerText")
    documents = len(set(seeds_graph.subjects(RDF.type, KG.Document)))
    assert header.startswith(f"kg: {documents} articles, ")  # and the span of their dates
    assert f"{documents} documents" in header
    assert "built 20" in header


def test_canvas_has_drawn_nodes_and_edges(seeds_view):
    colors = [KIND_COLORS["State"], KIND_COLORS["Person"], RELATION_COLORS["signed"]]
    pixels = color_pixels(seeds_view, colors)
    canvas_size = seeds_view.js("document.querySelector('#kg-network canvas').width")
    assert pixels["painted"] > canvas_size * 20  # far more than a blank canvas
    for color in colors:
        assert pixels[color] > 50, f"nothing drawn in {color}"


def test_layout_keeps_nodes_apart(seeds_view):
    nodes = seeds_view.js(
        """() => { const shown = window.kg.nodes.get({filter: (n) => !n.hidden});
                   const at = window.kg.network.getPositions(shown.map((n) => n.id));
                   return shown.map((n) => [at[n.id].x, at[n.id].y, n.size]); }"""
    )
    assert len(nodes) > 5
    gaps = [
        ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 - a_size - b_size
        for i, (ax, ay, a_size) in enumerate(nodes)
        for bx, by, b_size in nodes[i + 1 :]
    ]
    assert min(gaps) > 20  # canvas units: discs never touch; there is room for a label


def test_hovering_a_node_shows_its_evidence(seeds_page):
    expected = seeds_page.js(
        "(id) => window.kg.payload.nodes.find((n) => n.id === id).tooltip", PUTIN
    )
    text = hover_node(seeds_page, PUTIN)
    assert expected["heading"] in text
    assert expected["items"][0]["text"] in text
    assert expected["items"][0]["meta"] in text  # article title and date


def test_hovering_an_edge_shows_its_evidence(seeds_page):
    for edge in seeds_page.js("window.kg.payload.edges"):
        middle = seeds_page.js(EDGE_MIDDLE, edge["id"])
        spot = seeds_page.js(DOM_POSITION, [None, middle])
        if spot["edgeAt"] == edge["id"] and spot["nodeAt"] is None:
            break
    else:
        pytest.fail("no edge whose middle is free to hover")
    seeds_page.page.mouse.move(spot["x"], spot["y"])
    text = tooltip_text(seeds_page)
    assert edge["tooltip"]["heading"] in text
    assert edge["tooltip"]["items"][0]["text"] in text


def test_relation_filter_hides_and_shows_edges(seeds_page):
    red = RELATION_COLORS["condemned"]
    before = seeds_page.js(VISIBLE, "edges")
    assert color_pixels(seeds_page, [red])[red] > 50
    seeds_page.page.uncheck('input[name="relation"][value="condemned"]')
    after = seeds_page.js(VISIBLE, "edges")
    assert after == [edge for edge in before if " condemned " not in edge]
    assert len(after) < len(before)
    seeds_page.page.wait_for_timeout(100)
    assert color_pixels(seeds_page, [red])[red] < 10  # gone from the canvas, too
    blinken = str(entity_iri("Antony_Blinken"))  # he only condemned
    assert blinken not in seeds_page.js(VISIBLE, "nodes")
    seeds_page.page.check('input[name="relation"][value="condemned"]')
    assert seeds_page.js(VISIBLE, "edges") == before


def test_class_filter_hides_entities_and_their_edges(seeds_page):
    seeds_page.page.uncheck('input[name="kind"][value="Person"]')
    kinds = seeds_page.js("window.kg.nodes.get({filter: (n) => !n.hidden}).map((n) => n.kgKind)")
    assert kinds and "Person" not in kinds
    people = set(
        seeds_page.js(
            "window.kg.nodes.get({filter: (n) => n.kgKind === 'Person'}).map((n) => n.id)"
        )
    )
    for edge in seeds_page.js(VISIBLE, "edges"):
        agent, _, target = edge.split(" ")
        assert agent not in people and target not in people


def test_unrelated_entities_can_be_shown(seeds_page):
    hidden = seeds_page.js(VISIBLE, "nodes")
    seeds_page.page.check("#kg-unrelated")
    shown = seeds_page.js(VISIBLE, "nodes")
    assert len(shown) > len(hidden)
    assert len(shown) == seeds_page.js("window.kg.payload.nodes.length")


def fact_dates(g: Graph) -> dict[str, list[str]]:
    """Every direct relation of the seeds as 'agent relation target' → the dates of its
    supporting (asserted and reported) mentions."""
    rows = g.query(
        """
        PREFIX kg: <https://w3id.org/kg/ns#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?a ?r ?b ?date ?docdate WHERE {
          ?e a kg:Event ; kg:agent ?a ; kg:relation ?r ; kg:target ?b ; kg:modality ?m .
          FILTER(?m IN (kg:asserted, kg:reported))
          ?a ?r ?b .
          OPTIONAL { ?e kg:date ?date }
          OPTIONAL { ?e prov:wasDerivedFrom/dcterms:date ?docdate }
        }"""
    )
    dates: dict[str, list[str]] = {}
    for a, r, b, date, doc_date in rows:
        key = f"{a} {str(r).rsplit('#', 1)[-1]} {b}"
        dates.setdefault(key, []).append(str(date or doc_date or ""))
    return dates


def days(date: str) -> tuple[str, str]:
    """The first and last day a date stands for: a day, a month or a year."""
    if len(date) == 4:
        return f"{date}-01-01", f"{date}-12-31"
    if len(date) == 7:
        return f"{date}-01", f"{date}-31"
    return date, date


def in_window(date: str, first: str, last: str) -> bool:
    """Whether a mention dated ``date`` falls between the dates ``first`` and ``last``."""
    if not date:
        return True  # mentions without a date are shown unless the reader unticks them
    start, end = days(date)
    return end >= days(first)[0] and start <= days(last)[1]


@pytest.mark.parametrize(
    ("first", "last"),
    [("2023-10-13", "2023-10-13"), ("2024-06", "2024-06-20")],
    ids=["october-2023", "june-2024"],
)
def test_time_filter_shows_only_relations_mentioned_in_the_window(
    seeds_page, seeds_graph, first, last
):
    set_time_window(seeds_page, first, last)
    shown = seeds_page.js(VISIBLE, "edges")
    expected = [
        relation
        for relation, dates in fact_dates(seeds_graph).items()
        if any(in_window(date, first, last) for date in dates)
    ]
    assert sorted(shown) == sorted(expected)
    assert 0 < len(shown) < seeds_page.js("window.kg.payload.edges.length")
    summary = seeds_page.js("document.getElementById('kg-shown').textContent")
    assert summary.startswith(f"showing {len(shown)} of ")
    assert seeds_page.js("document.getElementById('kg-from-date').textContent") == first
    assert seeds_page.js("document.getElementById('kg-to-date').textContent") == last


def test_2023_and_june_2024_differ(seeds_page):
    set_time_window(seeds_page, "2023-10-13", "2023-10-13")
    in_2023 = set(seeds_page.js(VISIBLE, "edges"))
    set_time_window(seeds_page, "2024-06", "2024-06-20")
    in_june_2024 = set(seeds_page.js(VISIBLE, "edges"))
    assert in_2023 != in_june_2024


def test_clicking_a_node_lists_all_its_events(seeds_page, seeds_graph):
    events = [
        str(sentence)
        for event in seeds_graph.subjects(RDF.type, KG.Event)
        if PUTIN
        in (str(seeds_graph.value(event, KG.agent)), str(seeds_graph.value(event, KG.target)))
        for sentence in seeds_graph.objects(event, KG.evidence)
    ]
    spot = seeds_page.js(DOM_POSITION, [PUTIN, None])
    seeds_page.page.mouse.click(spot["x"], spot["y"])
    panel = seeds_page.wait_for(
        "() => document.querySelectorAll('#kg-details li').length && "
        "document.getElementById('kg-details').innerText"
    )
    assert panel.splitlines()[0] == "ウラジーミル・プーチン"
    items = seeds_page.js(
        "[...document.querySelectorAll('#kg-details li .kg-sentence')].map((e) => e.textContent)"
    )
    assert sorted(items) == sorted(events)
    dates = seeds_page.js(
        "[...document.querySelectorAll('#kg-details li .kg-meta:first-child')]"
        ".map((e) => e.textContent.slice(0, 10))"
    )
    assert dates == sorted(dates)  # by date


# ---- a crafted article ----


def crafted_graph() -> Graph:
    """One article whose entity name and evidence sentence carry script."""
    g = Graph()
    villain, state = entity_iri("Villain"), entity_iri("State")
    document, event = document_iri("crafted"), event_iri("crafted", 0)
    g.add((villain, RDF.type, KG.Person)).add((state, RDF.type, KG.State))
    g.add((villain, RDFS.label, Literal(f"悪役{XSS_IMG}{XSS_SCRIPT}", lang="ja")))
    g.add((state, RDFS.label, Literal("某国", lang="ja")))
    g.add((villain, KG.visited, state))
    g.add((document, RDF.type, KG.Document))
    g.add((document, DCTERMS.title, Literal(f"速報 {XSS_SCRIPT}")))
    g.add((document, DCTERMS.date, Literal("2024-06-19")))
    sentence = f"悪役が某国を訪問した。{XSS_IMG}{XSS_SCRIPT}"
    for prop, value in [
        (RDF.type, KG.Event),
        (KG.relation, KG.visited),
        (KG.agent, villain),
        (KG.target, state),
        (KG.modality, KG.asserted),
        (KG.evidence, Literal(sentence)),
        (PROV.wasDerivedFrom, document),
    ]:
        g.add((event, prop, value))
    return g


def test_crafted_article_runs_no_script_and_shows_its_text(open_page, tmp_path):
    path = tmp_path / "graph.html"
    render_html(entity_graph(crafted_graph()), path, title=f"t {XSS_IMG}", built="now")
    visit = open_page(path)
    villain = str(entity_iri("Villain"))
    tip = hover_node(visit, villain)
    spot = visit.js(DOM_POSITION, [villain, None])
    visit.page.mouse.click(spot["x"], spot["y"])
    panel = visit.wait_for(
        "() => document.querySelectorAll('#kg-details li').length && "
        "document.getElementById('kg-details').textContent"
    )
    visit.page.wait_for_timeout(200)  # give any injected handler the chance to fire
    assert visit.js("typeof window.__xss") == "undefined"
    assert visit.js("document.querySelectorAll('img').length") == 0
    assert visit.js("document.scripts.length") == 3  # data, vis-network, the page's own
    sentence = f"悪役が某国を訪問した。{XSS_IMG}{XSS_SCRIPT}"
    assert sentence in tip and f"悪役{XSS_IMG}{XSS_SCRIPT}" in tip
    assert sentence in panel and f"速報 {XSS_SCRIPT}" in panel
    assert visit.js("document.title") == f"t {XSS_IMG}"
    assert [url for url in visit.requests if not url.startswith(LOCAL_SCHEMES)] == []
    assert visit.errors == []
