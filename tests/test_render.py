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
    assert tooltip["lines"] == ["3 mention(s)"]
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


@pytest.mark.parametrize("kind", ["Person", "State", "Agreement", "Organization", "Place"])
def test_legend_lists_every_class(page, kind):
    legend = re.search(r'<ul id="kg-legend".*?</ul>', page, re.S).group()
    assert re.search(rf"background: {KIND_COLORS[kind]}\"></span>{kind}</li>", legend)


@pytest.mark.parametrize("relation", sorted(RELATION_COLORS))
def test_legend_lists_every_relation(page, relation):
    legend = re.search(r'<ul id="kg-legend".*?</ul>', page, re.S).group()
    assert f'{RELATION_COLORS[relation]}"></span>{relation}</li>' in legend


@pytest.mark.parametrize(
    ("count", "name"),
    [(6, "entities"), (5, "relations"), (7, "mentions"), (2, "documents")],
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
