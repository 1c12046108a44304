"""An interactive, self-contained HTML page of the entity graph.

pyvis (:class:`pyvis.network.Network`) is the source of the vis-network node, edge and
physics options.  Its page template is not used, because pyvis 0.3.2 loads vis-network,
tom-select and bootstrap from CDNs whatever ``cdn_resources`` says; ``kg/templates/graph.html``
instead inlines the vis-network JS and CSS that the installed pyvis package ships, so the
page works offline and references no URL.

The page: nodes colored by class (a legend that doubles as a class filter) and sized by
PageRank; edges labeled, colored by relation (a second filter) and wider with more evidence;
a time filter over the events' dates that hides relations without a mention in the window;
hover boxes with the evidence; a side panel that lists every event of a clicked entity or
relation.  The events (:func:`kg.analyze.timeline`) and their dates travel in the page's data.

Article text is untrusted.  All data reaches the page as one JSON document in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` written as ``\\u003c``
etc., so no sentence can close the script; the page builds hover text and the side panel as
DOM elements through ``textContent`` (vis-network accepts an element as ``title``), never
``innerHTML``; and the title, counts and legend are autoescaped by Jinja2.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from pyvis.network import Network

from kg.analyze import UNTYPED_KIND, Event, centrality, timeline
from kg.files import write_text_atomic
from kg.model import RELATIONS

TEMPLATES = Path(__file__).with_name("templates")
VIS_NETWORK = "templates/lib/vis-9.1.2"  # inside the pyvis package

KIND_COLORS = {
    "Person": "#f28e2b",
    "State": "#4e79a7",
    "Agreement": "#59a14f",
    "Organization": "#b07aa1",
    "Place": "#76b7b2",
}
UNTYPED_COLOR = "#bab0ac"
NODE_FONT = {"size": 16, "background": "rgba(255, 255, 255, 0.8)"}
RELATION_COLORS = {
    "signed": "#2f7d32",
    "visited": "#1f5f99",
    "supplied": "#8c564b",
    "condemned": "#d62728",
}
MAX_TOOLTIP_EVIDENCE = 8
LAYOUT_SEED = 7  # the same graph is laid out the same way on every load
PAGE_EVENT_FIELDS = (
    "agent",
    "agent_label",
    "relation",
    "target",
    "target_label",
    "modality",
    "sentence",
    "doc_title",
    "doc_date",
    "source",
    "date",
    "dated_by",
)

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def render_html(
    G: nx.MultiDiGraph,
    path: Path,
    *,
    title: str,
    built: str,
    documents: int | None = None,
) -> None:
    """Write ``G`` as an interactive, offline HTML page to ``path`` (atomically).

    Nodes are colored by class and sized by PageRank (the node attribute ``pagerank`` when
    every node has one, else computed); edges are labeled and colored by relation and wider
    with more evidence; hovering shows the evidence sentences with article titles and dates.
    The page shows ``title``, the counts of entities, relations, supporting mentions (asserted
    and reported; an edge's width counts only these) and documents
    (``documents`` defaults to ``G.graph["documents"]``, else the articles cited as
    evidence), and ``built``.  Filters by class, relation and date range hide what is not
    wanted; clicking an entity or a relation lists its events (``G.graph["events"]``, see
    :func:`kg.analyze.entity_graph`) with their evidence.  The layout is stabilised once,
    then physics is switched off.

    Examples
    --------
    >>> import tempfile
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", label="<b>日本</b>", kind="State")
    >>> G.add_node("b", label="北朝鮮", kind="State")
    >>> _ = G.add_edge("a", "b", key="condemned", relation="condemned", weight=1, evidence=[
    ...     {"sentence": "</script><script>alert(1)</script>", "doc_title": "速報",
    ...      "doc_date": "2024-06-19", "source": "a.txt", "modality": "asserted", "rule": "r1"}])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     page = Path(folder) / "graph.html"
    ...     render_html(G, page, title="<b>Demo</b>", built="2024-06-20")
    ...     html = page.read_text(encoding="utf-8")
    >>> "</script><script>" in html, "<b>日本" in html, "&lt;b&gt;Demo&lt;/b&gt;" in html
    (False, False, True)
    >>> "<script src" in html, "2024-06-20" in html
    (False, True)
    """
    pagerank = _pagerank_of(G)
    network = _network(G, pagerank)
    nodes, edges, _heading, _height, _width, options = network.get_network_data()
    events = [{field: event.get(field, "") for field in PAGE_EVENT_FIELDS} for event in timeline(G)]
    payload = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options) | {"layout": {"randomSeed": LAYOUT_SEED}},
        "events": events,
        "dates": sorted({event["date"] for event in events if event["date"]}),
    }
    template = _environment().get_template("graph.html")
    page = template.render(
        title=title,
        built=built,
        counts=_counts(G, documents),
        kinds=_class_legend(G),
        relations=_relation_legend(G),
        unrelated=sum(1 for node in G if G.degree(node) == 0),
        vis_css=Markup(_inline(_vis_asset("vis-network.css"), "style")),
        vis_js=Markup(_inline(_vis_asset("vis-network.min.js"), "script")),
        graph_json=Markup(embed_json(payload)),
    )
    write_text_atomic(Path(path), page)


def embed_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: no ``<``, ``>`` or ``&``.

    Examples
    --------
    >>> print(embed_json({"sentence": "</script> & more"}))
    {"sentence": "\\u003c/script\\u003e \\u0026 more"}
    >>> json.loads(embed_json({"s": "<b>&"})) == {"s": "<b>&"}
    True
    """
    text = json.dumps(value, ensure_ascii=False)
    return re.sub("[<>&\u2028\u2029]", lambda match: _JSON_ESCAPES[match.group()], text)


def _network(G: nx.MultiDiGraph, pagerank: dict[str, float]) -> Network:
    network = Network(directed=True, height="100%", width="100%")
    # Long Japanese labels need room: strong repulsion, long springs, no overlaps.
    network.barnes_hut(
        gravity=-10000, central_gravity=0.3, spring_length=150, spring_strength=0.04, overlap=1
    )
    network.toggle_physics(True)
    network.toggle_stabilization(True)
    network.options.interaction.hover = True
    network.options.interaction.tooltipDelay = 150
    _add_nodes(network, G, pagerank)
    _add_edges(network, G)
    return network


def _add_nodes(network: Network, G: nx.MultiDiGraph, pagerank: dict[str, float]) -> None:
    """One vis node per entity; ``kg…`` fields carry what the page's filters and panel use."""
    top = max(pagerank.values(), default=0.0) or 1.0
    for node, attributes in G.nodes(data=True):
        kind = attributes.get("kind", UNTYPED_KIND)
        network.add_node(
            node,
            label=_label(G, node),
            color=KIND_COLORS.get(kind, UNTYPED_COLOR),
            size=round(10 + 26 * pagerank.get(node, 0.0) / top, 2),
            font=NODE_FONT,
            tooltip=_node_tooltip(G, node, pagerank.get(node, 0.0)),
            kgKind=kind if kind in KIND_COLORS else UNTYPED_KIND,
            kgLabelEn=attributes.get("label_en") or "",
            kgPagerank=round(pagerank.get(node, 0.0), 6),
            kgDegree=G.degree(node),
            # Unrelated entities take no part in the layout; the page parks them in a grid.
            physics=G.degree(node) > 0,
        )


def _add_edges(network: Network, G: nx.MultiDiGraph) -> None:
    """One vis edge per relation, with its relation and its mentions' dates for the filters."""
    parallel = Counter(frozenset((u, v)) for u, v in G.edges())
    seen: Counter[frozenset[str]] = Counter()
    for index, (agent, target, data) in enumerate(G.edges(data=True)):
        relation = data.get("relation", "")
        pair = frozenset((agent, target))
        options: dict[str, Any] = {}
        if parallel[pair] > 1:  # fan out relations between the same two entities
            options["smooth"] = {
                "enabled": True,
                "type": "curvedCW",
                "roundness": 0.15 + 0.2 * seen[pair],
            }
            seen[pair] += 1
        network.add_edge(
            agent,
            target,
            id=f"e{index}",
            label=relation,
            color=RELATION_COLORS.get(relation, UNTYPED_COLOR),
            width=round(1 + 2 * math.log2(1 + data.get("weight", 0)), 2),
            font={"size": 12, "strokeWidth": 3},
            tooltip=_edge_tooltip(G, agent, target, data),
            kgRelation=relation,
            kgDates=[e.get("date", "") for e in data.get("evidence", [])],
            **options,
        )


def _pagerank_of(G: nx.MultiDiGraph) -> dict[str, float]:
    stored = nx.get_node_attributes(G, "pagerank")
    if len(stored) == len(G):
        return {node: float(value) for node, value in stored.items()}
    return {score.iri: score.pagerank for score in centrality(G)}


def _label(G: nx.MultiDiGraph, node: str) -> str:
    return str(G.nodes[node].get("label") or node)


def _node_tooltip(G: nx.MultiDiGraph, node: str, pagerank: float) -> dict[str, Any]:
    attributes = G.nodes[node]
    label, label_en = _label(G, node), attributes.get("label_en")
    described = attributes.get("kind", UNTYPED_KIND)
    if label_en and label_en != label:
        described += f" · {label_en}"
    items = []
    incident = {*G.out_edges(node, keys=True), *G.in_edges(node, keys=True)}
    for agent, target, key in sorted(incident):
        data = G.edges[agent, target, key]
        summary = f"{_label(G, agent)} —{data.get('relation', key)}→ {_label(G, target)}"
        items += [
            {"text": e["sentence"], "meta": f"{summary} · {_citation(e)}"}
            for e in data.get("evidence", [])
        ]
    lines = [described, f"PageRank {pagerank:.4f}", attributes.get("iri", node)]
    return _tooltip(label, lines, items)


def _edge_tooltip(
    G: nx.MultiDiGraph, agent: str, target: str, data: dict[str, Any]
) -> dict[str, Any]:
    heading = f"{_label(G, agent)} —{data.get('relation', '')}→ {_label(G, target)}"
    evidence, other = data.get("evidence", []), data.get("other", [])
    lines = [f"{len(evidence)} supporting mention(s)"]
    if other:
        modalities = Counter(e.get("modality") or "unknown" for e in other)
        lines.append("not counted: " + ", ".join(f"{m} {n}" for m, n in sorted(modalities.items())))
    items = [
        {"text": e["sentence"], "meta": _citation(e, detail=True)} for e in [*evidence, *other]
    ]
    return _tooltip(heading, lines, items)


def _tooltip(heading: str, lines: list[str], items: list[dict[str, str]]) -> dict[str, Any]:
    """Plain-text parts of a hover box; the page assembles them with textContent."""
    shown = items[:MAX_TOOLTIP_EVIDENCE]
    return {"heading": heading, "lines": lines, "items": shown, "more": len(items) - len(shown)}


def _citation(evidence: Event, *, detail: bool = False) -> str:
    title = evidence.get("doc_title") or evidence.get("source") or "untitled"
    date = evidence.get("doc_date")
    cited = f"{title} ({date})" if date else title
    if evidence.get("dated_by") == "event":
        cited += f" · event {evidence['date']}"
    if detail:
        extras = [evidence.get("source"), evidence.get("modality"), evidence.get("rule")]
        cited = " · ".join([cited, *filter(None, extras)])
    return cited


def _counts(G: nx.MultiDiGraph, documents: int | None) -> list[tuple[str, int]]:
    if documents is None:
        documents = G.graph.get("documents")
    if documents is None:
        documents = len(
            {
                (e.get("source"), e.get("doc_title"))
                for *_, evidence in G.edges(data="evidence", default=[])
                for e in evidence
            }
        )
    mentions = sum(weight for *_, weight in G.edges(data="weight", default=0))
    return [
        ("entities", G.number_of_nodes()),
        ("relations", G.number_of_edges()),
        ("supporting mentions", mentions),
        ("documents", documents),
    ]


def _class_legend(G: nx.MultiDiGraph) -> list[tuple[str, str, int]]:
    """(class, color, entities) for every class; untyped entities last, if any."""
    kinds = Counter(
        kind if kind in KIND_COLORS else UNTYPED_KIND
        for _, kind in G.nodes(data="kind", default=UNTYPED_KIND)
    )
    legend = [(kind, color, kinds[kind]) for kind, color in KIND_COLORS.items()]
    if kinds[UNTYPED_KIND]:
        legend.append((UNTYPED_KIND, UNTYPED_COLOR, kinds[UNTYPED_KIND]))
    return legend


def _relation_legend(G: nx.MultiDiGraph) -> list[tuple[str, str, int]]:
    """(relation, color, agent → target pairs) for every relation type."""
    relations = Counter(relation for *_, relation in G.edges(data="relation", default=""))
    return [(relation, RELATION_COLORS[relation], relations[relation]) for relation in RELATIONS]


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _vis_asset(name: str) -> str:
    return (resources.files("pyvis") / VIS_NETWORK / name).read_text(encoding="utf-8")


def _inline(code: str, tag: str) -> str:
    """Library code made safe to inline: it must not close its own element early."""
    code = re.sub(f"</(?={tag})", r"<\\/", code, flags=re.IGNORECASE)
    return code.replace("<!--", "<\\!--")
