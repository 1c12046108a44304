"""kg.render: an offline, script-safe graph page from a small hand-built graph."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from kg.analyze import entity_graph
from kg.render import KIND_COLORS, RELATION_COLORS, embed_json, render_html
from kg.vocab import KG, document_iri, entity_iri, event_iri

IMG_LABEL = "<img src=x onerror=alert(1)>"
SCRIPT_BREAKOUT = "</script><script>alert(1)</script>"

PUTIN, KIM = entity_iri("Vladimir_Putin"), entity_iri("Kim_Jong_Un")
NORTH_KOREA, UN, PYONGYANG = entity_iri("North_Korea"), entity_iri("UN"), entity_iri("Pyongyang")
TREATY = entity_iri("Treaty")

ENTITIES = [
    (PUTIN, "Person", IMG_LABEL),  # a hostile label
    (KIM, "Person", "金正恩"),
    (NORTH_KOREA, "State", "北朝鮮"),
    (UN, "Organization", "国連"),
    (PYONGYANG, "Place", "平壌"),
    (TREATY, "Agreement", "包括的戦略パートナーシップ条約"),
]
DOCUMENTS = {
    "d1": ("プーチン氏、訪朝", "2024-06-19"),
    "d2": (f"署名 {SCRIPT_BREAKOUT}", "2024-06-20"),  # a hostile title
}
# (relation, agent, target, document, sentence)
EVENTS = [
    ("visited", PUTIN, NORTH_KOREA, "d1", "プーチン大統領が北朝鮮を訪問した。"),
    ("visited", PUTIN, NORTH_KOREA, "d2", f"平壌に到着した。{SCRIPT_BREAKOUT}"),
    ("visited", PUTIN, NORTH_KOREA, "d2", "三度目の記述。"),
    ("signed", PUTIN, TREATY, "d2", f"{IMG_LABEL}が条約に署名した。"),
    ("signed", KIM, TREATY, "d2", "金正恩氏も署名した。"),
    ("condemned", UN, NORTH_KOREA, "d1", "国連は北朝鮮を非難した。"),
    ("condemned", NORTH_KOREA, UN, "d1", "北朝鮮は国連を非難した。"),
]


def build_graph() -> Graph:
    g = Graph()
    for entity, kind, label in ENTITIES:
        g.add((entity, RDF.type, KG[kind]))
        g.add((entity, RDFS.label, Literal(label, lang="ja")))
    for doc_id, (title, date) in DOCUMENTS.items():
        g.add((document_iri(doc_id), RDF.type, KG.Document))
        g.add((document_iri(doc_id), DCTERMS.title, Literal(title)))
        g.add((document_iri(doc_id), DCTERMS.date, Literal(date)))
        g.add((document_iri(doc_id), DCTERMS.source, Literal(f"{doc_id}.txt")))
    for index, (relation, agent, target, doc_id, sentence) in enumerate(EVENTS):
        event = event_iri(doc_id, index)
        g.add((event, RDF.type, KG.Event))
        g.add((event, KG.relation, KG[relation]))
        g.add((event, KG.agent, agent))
        g.add((event, KG.target, target))
        g.add((event, KG.modality, KG.asserted))
        g.add((event, KG.evidence, Literal(sentence)))
        g.add((event, PROV.wasDerivedFrom, document_iri(doc_id)))
        g.add((agent, KG[relation], target))
    return g


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    return entity_graph(build_graph())


@pytest.fixture
def page(graph, tmp_path) -> str:
    path = tmp_path / "graph.html"
    render_html(graph, path, title=f"露朝 {IMG_LABEL}", built="2024-07-02T09:00")
    return path.read_text(encoding="utf-8")


def embedded_data(html: str) -> dict:
    match = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page embeds its data as a JSON script block"
    return json.loads(match.group(1))


def page_scripts(html: str) -> list[str]:
    """The bodies of the executable inline scripts, without the JSON data block."""
    return [
        body
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        if "application/json" not in attributes
    ]


@pytest.mark.parametrize(
    "external",
    [
        r"<script[^>]*\bsrc\s*=",
        r"\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//",
        r"url\(\s*[\"']?\s*(?:https?:)?//",
        r"@import",
        r"<link\b",
    ],
)
def test_page_loads_nothing_from_the_network(page, external):
    assert not re.search(external, page, re.IGNORECASE)


def test_vis_network_is_inlined(page):
    assert any("vis-network" in body and len(body) > 100_000 for body in page_scripts(page))
    assert ".vis-network" in page  # its stylesheet


@pytest.mark.parametrize("raw", ["<img src=x onerror", "</script><script>", "<script>alert"])
def test_hostile_text_never_appears_raw(page, raw):
    assert raw not in page


def test_hostile_text_arrives_escaped_and_intact(page):
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page  # in the JSON data
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # in the page title
    data = embedded_data(page)
    labels = {node["label"] for node in data["nodes"]}
    assert IMG_LABEL in labels
    tooltip_texts = [item["text"] for edge in data["edges"] for item in edge["tooltip"]["items"]]
    assert f"平壌に到着した。{SCRIPT_BREAKOUT}" in tooltip_texts


def test_hover_text_is_built_with_text_content_only(page):
    own_script = page_scripts(page)[-1]
    assert "textContent" in own_script
    assert "innerHTML" not in own_script
    assert "insertAdjacentHTML" not in own_script


def test_nodes_colored_by_class_and_sized_by_pagerank(page):
    nodes = {node["id"]: node for node in embedded_data(page)["nodes"]}
    for entity, kind, _ in ENTITIES:
        assert nodes[str(entity)]["color"] == KIND_COLORS[kind]
    sizes = {entity: node["size"] for entity, node in nodes.items()}
    # North Korea is visited three times and condemned: it ranks, and is drawn, largest.
    assert max(sizes, key=sizes.get) == str(NORTH_KOREA)
    assert sizes[str(NORTH_KOREA)] > sizes[str(PYONGYANG)]


def test_stored_pagerank_sizes_nodes(graph, tmp_path):
    nx.set_node_attributes(graph, 0.01, "pagerank")
    graph.nodes[str(PYONGYANG)]["pagerank"] = 0.9
    render_html(graph, tmp_path / "graph.html", title="t", built="b")
    nodes = embedded_data((tmp_path / "graph.html").read_text(encoding="utf-8"))["nodes"]
    largest = max(nodes, key=lambda node: node["size"])
    assert largest["id"] == str(PYONGYANG)


def test_edges_labeled_colored_and_weighted(page):
    edges = {
        (edge["from"], edge["label"], edge["to"]): edge for edge in embedded_data(page)["edges"]
    }
    visit = edges[(str(PUTIN), "visited", str(NORTH_KOREA))]
    signing = edges[(str(KIM), "signed", str(TREATY))]
    assert visit["color"] == RELATION_COLORS["visited"]
    assert signing["color"] == RELATION_COLORS["signed"]
    assert visit["width"] > signing["width"]  # three mentions against one
    assert visit["arrows"] == "to"


def test_opposite_edges_between_the_same_pair_are_curved_apart(page):
    edges = embedded_data(page)["edges"]
    between = [e for e in edges if {e["from"], e["to"]} == {str(UN), str(NORTH_KOREA)}]
    roundness = sorted(edge["smooth"]["roundness"] for edge in between)
    assert len(roundness) == 2 and roundness[0] != roundness[1]


def test_edge_hover_cites_article_title_and_date(page):
    edges = embedded_data(page)["edges"]
    visit = next(e for e in edges if e["from"] == str(PUTIN) and e["label"] == "visited")
    tooltip = visit["tooltip"]
    assert tooltip["lines"] == ["3 supporting mention(s)"]
    first = tooltip["items"][0]
    assert first["text"] == "プーチン大統領が北朝鮮を訪問した。"
    assert first["meta"].startswith("プーチン氏、訪朝 (2024-06-19)")


def test_node_hover_lists_evidence_of_its_relations(page):
    nodes = {node["id"]: node for node in embedded_data(page)["nodes"]}
    texts = [item["text"] for item in nodes[str(KIM)]["tooltip"]["items"]]
    assert texts == ["金正恩氏も署名した。"]
    assert nodes[str(PYONGYANG)]["tooltip"]["items"] == []


def test_physics_stabilizes_then_stops(page):
    options = embedded_data(page)["options"]
    assert options["physics"]["enabled"] is True
    assert options["physics"]["stabilization"]["enabled"] is True
    own_script = page_scripts(page)[-1]
    assert re.search(
        r'once\("stabilizationIterationsDone".*?setOptions\(\{ physics: false \}\)',
        own_script,
        re.S,
    )


def legend(page: str, list_id: str) -> str:
    match = re.search(rf'<ul id="{list_id}".*?</ul>', page, re.S)
    assert match, f"no legend {list_id}"
    return match.group()


@pytest.mark.parametrize(
    ("kind", "count"),
    [("Person", 2), ("State", 1), ("Agreement", 1), ("Organization", 1), ("Place", 1)],
)
def test_class_legend_is_a_filter_with_colors_and_counts(page, kind, count):
    assert re.search(
        rf'<input type="checkbox" name="kind" value="{kind}" checked>'
        rf'<span class="kg-swatch" style="background: {KIND_COLORS[kind]}"></span>'
        rf'{kind}<span class="kg-n">{count}</span>',
        legend(page, "kg-classes"),
    )


@pytest.mark.parametrize(("relation", "count"), [("signed", 2), ("visited", 1), ("condemned", 2)])
def test_relation_legend_is_a_filter_with_colors_and_counts(page, relation, count):
    assert re.search(
        rf'<input type="checkbox" name="relation" value="{relation}" checked>'
        rf'<span class="kg-line" style="background: {RELATION_COLORS[relation]}"></span>'
        rf'{relation}<span class="kg-n">{count}</span>',
        legend(page, "kg-relations"),
    )


def test_untyped_entities_get_their_own_legend_entry(tmp_path):
    G = nx.MultiDiGraph()
    G.add_node("x", label="x")  # no kind
    G.add_node("y", label="y", kind="Person")
    render_html(G, tmp_path / "graph.html", title="t", built="b")
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert 'value="Entity" checked>' in legend(page, "kg-classes")
    nodes = {node["id"]: node for node in embedded_data(page)["nodes"]}
    assert nodes["x"]["kgKind"] == "Entity"


def test_unrelated_entities_are_counted_hidden_by_default_and_kept_out_of_the_layout(page):
    assert re.search(
        r'<input type="checkbox" id="kg-unrelated">entities without relations'
        r'<span class="kg-n">1</span>',
        page,
    )
    nodes = {node["id"]: node for node in embedded_data(page)["nodes"]}
    assert nodes[str(PYONGYANG)]["kgDegree"] == 0
    assert nodes[str(PYONGYANG)]["physics"] is False
    assert nodes[str(NORTH_KOREA)]["physics"] is True


def test_nodes_carry_what_the_filters_and_the_side_panel_need(page):
    nodes = {node["id"]: node for node in embedded_data(page)["nodes"]}
    kim = nodes[str(KIM)]
    assert (kim["kgKind"], kim["kgDegree"]) == ("Person", 1)
    assert 0 < kim["kgPagerank"] < 1


def test_edges_carry_their_relation_and_mention_dates(page):
    edges = embedded_data(page)["edges"]
    visit = next(e for e in edges if e["from"] == str(PUTIN) and e["label"] == "visited")
    assert visit["kgRelation"] == "visited"
    assert visit["kgDates"] == ["2024-06-19", "2024-06-20", "2024-06-20"]


def test_every_event_and_date_travel_with_the_page(page):
    data = embedded_data(page)
    assert len(data["events"]) == len(EVENTS)
    assert data["dates"] == ["2024-06-19", "2024-06-20"]
    first = data["events"][0]
    assert set(first) == {
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
    }
    assert first["date"] <= data["events"][-1]["date"]  # by date


def test_event_dates_of_their_own_are_cited_in_hover_text(tmp_path):
    g = build_graph()
    event = event_iri("d1", 0)
    g.add((event, KG.date, Literal("2024-06")))
    render_html(entity_graph(g), tmp_path / "graph.html", title="t", built="b")
    edges = embedded_data((tmp_path / "graph.html").read_text(encoding="utf-8"))["edges"]
    visit = next(e for e in edges if e["from"] == str(PUTIN) and e["label"] == "visited")
    metas = [item["meta"] for item in visit["tooltip"]["items"]]
    assert metas[0].startswith("プーチン氏、訪朝 (2024-06-19) · event 2024-06")


def test_layout_is_seeded(page):
    assert isinstance(embedded_data(page)["options"]["layout"]["randomSeed"], int)


def test_time_filter_and_side_panel_are_on_the_page(page):
    for element_id in ("kg-from", "kg-to", "kg-undated", "kg-details", "kg-shown"):
        assert f'id="{element_id}"' in page


@pytest.mark.parametrize(
    ("count", "name"),
    [(6, "entities"), (5, "relations"), (7, "supporting mentions"), (2, "documents")],
)
def test_counts_and_build_date_are_shown(page, count, name):
    assert f"<strong>{count}</strong> {name}" in page
    assert "built 2024-07-02T09:00" in page


def test_document_count_can_be_passed_in(graph, tmp_path):
    render_html(graph, tmp_path / "graph.html", title="t", built="b", documents=41)
    assert "<strong>41</strong> documents" in (tmp_path / "graph.html").read_text()


def test_empty_graph_renders(tmp_path):
    render_html(nx.MultiDiGraph(), tmp_path / "graph.html", title="empty", built="b")
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert embedded_data(page)["nodes"] == []
    assert "<strong>0</strong> entities" in page


def test_write_is_atomic_and_leaves_no_temporary_files(graph, tmp_path):
    target = tmp_path / "graph.html"
    render_html(graph, target, title="first", built="b")
    render_html(graph, target, title="second", built="b")
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]
    assert "<h1>second</h1>" in target.read_text(encoding="utf-8")


def test_failed_write_keeps_the_old_page(graph, tmp_path, monkeypatch):
    target = tmp_path / "graph.html"
    target.write_text("old page", encoding="utf-8")

    def fail(source: str, destination: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        render_html(graph, target, title="new", built="b")
    assert target.read_text(encoding="utf-8") == "old page"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


@pytest.mark.parametrize("text", [SCRIPT_BREAKOUT, "a & b", "<!-- x -->", "\u2028"])
def test_embedded_json_round_trips_without_markup(text):
    embedded = embed_json({"text": text})
    assert not set("<>&\u2028") & set(embedded)
    assert json.loads(embedded) == {"text": text}
