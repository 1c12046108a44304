"""kg.analyze on a small hand-built graph of three articles about Putin's 2024 visit."""

from __future__ import annotations

import networkx as nx
import pytest
import rdflib
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from kg.analyze import (
    ActorScore,
    add_scores,
    centrality,
    entity_graph,
    local_name,
    relation_table,
)
from kg.vocab import EVENT_CLASS, KG, document_iri, entity_iri, event_iri, sparql_prefixes

PUTIN, KIM = entity_iri("Vladimir_Putin"), entity_iri("Kim_Jong_Un")
RUSSIA, NORTH_KOREA, JAPAN = entity_iri("Russia"), entity_iri("North_Korea"), entity_iri("Japan")
TREATY = entity_iri("露朝包括的戦略パートナーシップ条約")

ENTITIES = [
    (PUTIN, "Person", "プーチン", "Vladimir Putin"),
    (KIM, "Person", "金正恩", "Kim Jong Un"),
    (RUSSIA, "State", "ロシア", "Russia"),
    (NORTH_KOREA, "State", "北朝鮮", "North Korea"),
    (JAPAN, "State", "日本", "Japan"),  # mentioned, but in no relation
    (TREATY, "Agreement", "包括的戦略パートナーシップ条約", None),
]
DOCUMENTS = {
    "d1": ("プーチン氏、24年ぶり訪朝", "2024-06-19", "a.txt"),
    "d2": ("露朝が新条約に署名", "2024-06-20", "b.txt"),
    "d3": ("北朝鮮、ロシアに砲弾供与か", "2024-07-01", "c.txt"),
}
# (relation, agent, target, document, sentence, modality)
EVENTS = [
    ("visited", PUTIN, NORTH_KOREA, "d2", "プーチン氏は平壌に到着したと報じられた。", "reported"),
    ("visited", PUTIN, NORTH_KOREA, "d1", "プーチン大統領が北朝鮮を訪問した。", "asserted"),
    ("signed", PUTIN, TREATY, "d2", "プーチン氏は条約に署名した。", "asserted"),
    ("signed", KIM, TREATY, "d2", "金正恩氏も条約に署名した。", "asserted"),
    ("supplied", NORTH_KOREA, RUSSIA, "d3", "北朝鮮がロシアに砲弾を供与したという。", "reported"),
    ("visited", KIM, RUSSIA, "d3", "金正恩氏はロシア訪問を計画している。", "planned"),
]
FACTS = {"asserted", "reported"}


def build_news_graph() -> Graph:
    g = Graph()
    for entity, kind, ja, en in ENTITIES:
        g.add((entity, RDF.type, KG[kind]))
        g.add((entity, RDFS.label, Literal(ja, lang="ja")))
        if en:
            g.add((entity, RDFS.label, Literal(en, lang="en")))
    for doc_id, (title, date, source) in DOCUMENTS.items():
        document = document_iri(doc_id)
        g.add((document, RDF.type, KG.Document))
        g.add((document, DCTERMS.title, Literal(title)))
        g.add((document, DCTERMS.date, Literal(date, datatype=rdflib.XSD.date)))
        g.add((document, DCTERMS.source, Literal(source)))
    for index, (relation, agent, target, doc_id, sentence, modality) in enumerate(EVENTS):
        event = event_iri(doc_id, index)
        for prop, value in [
            (RDF.type, KG.Event),
            (RDF.type, EVENT_CLASS[relation]),
            (KG.relation, KG[relation]),
            (KG.agent, agent),
            (KG.target, target),
            (KG.modality, KG[modality]),
            (KG.rule, Literal(f"{relation}-rule-1")),
            (KG.evidence, Literal(sentence)),
            (PROV.wasDerivedFrom, document_iri(doc_id)),
        ]:
            g.add((event, prop, value))
        if modality in FACTS:
            g.add((agent, KG[relation], target))
    return g


@pytest.fixture
def news_graph() -> Graph:
    return build_news_graph()


@pytest.fixture
def news_entity_graph(news_graph: Graph) -> nx.MultiDiGraph:
    return entity_graph(news_graph)


def test_every_entity_is_a_node_even_without_relations(news_entity_graph):
    assert set(news_entity_graph) == {str(entity) for entity, *_ in ENTITIES}
    assert news_entity_graph.degree(str(JAPAN)) == 0


@pytest.mark.parametrize(
    ("entity", "label", "label_en", "kind"),
    [
        (PUTIN, "プーチン", "Vladimir Putin", "Person"),
        (NORTH_KOREA, "北朝鮮", "North Korea", "State"),
        (TREATY, "包括的戦略パートナーシップ条約", None, "Agreement"),
    ],
)
def test_node_attributes(news_entity_graph, entity, label, label_en, kind):
    assert news_entity_graph.nodes[str(entity)] == {
        "label": label,
        "label_en": label_en,
        "kind": kind,
        "iri": str(entity),
    }


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ([Literal("ソウル", lang="ja"), Literal("Seoul", lang="en")], "ソウル"),
        ([Literal("Seoul", lang="en")], "Seoul"),
        ([Literal("Seoul")], "Seoul"),
        ([], "ソウル特別市"),  # the percent-encoded IRI tail, decoded
    ],
)
def test_label_preference(labels, expected):
    g = Graph()
    seoul = entity_iri("ソウル特別市")
    g.add((seoul, RDF.type, KG.Place))
    for label in labels:
        g.add((seoul, RDFS.label, label))
    assert entity_graph(g).nodes[str(seoul)]["label"] == expected


def test_one_edge_per_direct_triple(news_entity_graph):
    edges = {(local_name(a), r, local_name(b)) for a, b, r in news_entity_graph.edges(keys=True)}
    assert edges == {
        ("Vladimir_Putin", "visited", "North_Korea"),
        ("Vladimir_Putin", "signed", "露朝包括的戦略パートナーシップ条約"),
        ("Kim_Jong_Un", "signed", "露朝包括的戦略パートナーシップ条約"),
        ("North_Korea", "supplied", "Russia"),
    }  # the planned visit has an event but no direct triple, so no edge


def test_edge_evidence_comes_from_matching_events(news_entity_graph):
    visit = news_entity_graph.edges[str(PUTIN), str(NORTH_KOREA), "visited"]
    assert visit["relation"] == "visited"
    assert visit["weight"] == 2
    assert visit["evidence"] == [  # ordered by article date
        {
            "sentence": "プーチン大統領が北朝鮮を訪問した。",
            "doc_title": "プーチン氏、24年ぶり訪朝",
            "doc_date": "2024-06-19",
            "source": "a.txt",
            "modality": "asserted",
            "rule": "visited-rule-1",
        },
        {
            "sentence": "プーチン氏は平壌に到着したと報じられた。",
            "doc_title": "露朝が新条約に署名",
            "doc_date": "2024-06-20",
            "source": "b.txt",
            "modality": "reported",
            "rule": "visited-rule-1",
        },
    ]


def test_document_count_is_recorded(news_entity_graph):
    assert news_entity_graph.graph["documents"] == 3


def test_centrality_order(news_entity_graph):
    labels = [score.label for score in centrality(news_entity_graph)]
    # Russia takes all of North Korea's rank; the treaty all of Kim's and a third of
    # Putin's; North Korea two thirds of Putin's; the rest tie and fall back on degree.
    assert labels == [
        "ロシア",
        "包括的戦略パートナーシップ条約",
        "北朝鮮",
        "プーチン",
        "金正恩",
        "日本",
    ]


@pytest.mark.parametrize(
    ("entity", "degree", "betweenness"),
    [
        (PUTIN, 2, 0.4),  # on every path between {Kim, treaty} and {North Korea, Russia}
        (NORTH_KOREA, 2, 0.3),
        (TREATY, 2, 0.3),
        (KIM, 1, 0.0),
        (JAPAN, 0, 0.0),
    ],
)
def test_degree_and_betweenness(news_entity_graph, entity, degree, betweenness):
    score = {s.iri: s for s in centrality(news_entity_graph)}[str(entity)]
    assert (score.degree, score.betweenness) == (degree, pytest.approx(betweenness))


def test_pagerank_matches_networkx_reference(news_entity_graph):
    reference = pytest.importorskip("networkx.algorithms.link_analysis.pagerank_alg")
    weighted = nx.DiGraph()
    weighted.add_nodes_from(news_entity_graph)
    for a, b, weight in news_entity_graph.edges(data="weight"):
        weighted.add_edge(a, b, weight=weight)
    expected = reference._pagerank_python(weighted, tol=1e-12)
    scores = {s.iri: s.pagerank for s in centrality(news_entity_graph)}
    assert scores == pytest.approx(expected)
    assert sum(scores.values()) == pytest.approx(1.0)


def test_evidence_weight_raises_pagerank():
    G = nx.MultiDiGraph()
    G.add_nodes_from(["hub", "a", "b"])
    G.add_edge("hub", "a", key="visited", weight=5)
    G.add_edge("hub", "b", key="visited", weight=1)
    scores = {s.iri: s.pagerank for s in centrality(G)}
    assert scores["a"] > scores["b"]


@pytest.mark.parametrize(
    "nodes",
    [[], ["only"], ["a", "b", "c"]],
    ids=["empty", "single", "isolated"],
)
def test_centrality_without_edges(nodes):
    G = nx.MultiDiGraph()
    G.add_nodes_from(nodes)
    scores = centrality(G)
    assert [s.iri for s in scores] == sorted(nodes)
    assert all(s.degree == 0 and s.betweenness == 0.0 for s in scores)
    assert sum(s.pagerank for s in scores) == pytest.approx(1.0 if nodes else 0.0)


def test_untyped_endpoint_becomes_a_node():
    g = Graph()
    g.add((PUTIN, KG.visited, NORTH_KOREA))
    G = entity_graph(g)
    assert G.nodes[str(NORTH_KOREA)]["kind"] == "Entity"
    assert G.edges[str(PUTIN), str(NORTH_KOREA), "visited"]["weight"] == 0
    assert [s.label for s in centrality(G)] == ["North_Korea", "Vladimir_Putin"]


ORDER_BY_PAGERANK = """
SELECT ?entity ?degree ?pagerank ?betweenness WHERE {
  ?entity kg:pagerank ?pagerank ; kg:degree ?degree ; kg:betweenness ?betweenness .
} ORDER BY DESC(?pagerank) DESC(?degree)
"""


def test_scores_are_queryable_by_sparql(news_graph, news_entity_graph):
    scores = centrality(news_entity_graph)
    add_scores(news_graph, scores)
    rows = list(news_graph.query(sparql_prefixes() + ORDER_BY_PAGERANK))
    assert [str(row.entity) for row in rows] == [s.iri for s in scores]
    first = rows[0]
    assert first.pagerank.datatype == rdflib.XSD.double
    assert first.degree.datatype == rdflib.XSD.integer
    assert float(first.pagerank) == pytest.approx(scores[0].pagerank)


def test_add_scores_replaces_old_values(news_graph):
    stale = ActorScore(str(JAPAN), "日本", "State", 9, 0.9, 0.9)
    fresh = ActorScore(str(JAPAN), "日本", "State", 0, 0.1, 0.0)
    add_scores(news_graph, [stale])
    add_scores(news_graph, [fresh])
    for prop, value in [(KG.degree, 0), (KG.pagerank, 0.1), (KG.betweenness, 0.0)]:
        assert [v.toPython() for v in news_graph.objects(JAPAN, prop)] == [value]


def test_relation_table(news_graph):
    rows = relation_table(news_graph)
    assert [(r.agent_label, r.relation, r.target_label, r.count) for r in rows] == [
        ("プーチン", "signed", "包括的戦略パートナーシップ条約", 1),
        ("金正恩", "signed", "包括的戦略パートナーシップ条約", 1),
        ("プーチン", "visited", "北朝鮮", 2),
        ("北朝鮮", "supplied", "ロシア", 1),
    ]
    assert rows[3].evidence[0]["sentence"] == "北朝鮮がロシアに砲弾を供与したという。"
    assert (rows[3].agent, rows[3].target) == (str(NORTH_KOREA), str(RUSSIA))


def test_relation_table_accepts_the_entity_graph(news_graph, news_entity_graph):
    assert relation_table(news_entity_graph) == relation_table(news_graph)
