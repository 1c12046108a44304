"""kg.analyze on a small hand-built graph of three articles about Putin's 2024 visit."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from kg.analyze import (
    ActorScore,
    PathError,
    add_scores,
    blocs,
    centrality,
    communities,
    entity_graph,
    explained_path,
    find_entity,
    local_name,
    modularity,
    relation_table,
    signed_graph,
    timeline,
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
EVENT_DATES = {  # kg:date of some events (by index), a day or a month
    1: Literal("2024-06-18", datatype=rdflib.XSD.date),
    5: Literal("2024-09", datatype=rdflib.XSD.gYearMonth),
}


def build_news_graph() -> Graph:
    g = Graph()
    for entity, kind, ja, en in ENTITIES:
        g.add((entity, RDF.type, KG[kind]))
        g.add((entity, RDFS.label, Literal(ja, lang="ja")))
        if en:
            g.add((entity, RDFS.label, Literal(en, lang="en")))
    g.add((PUTIN, SKOS.altLabel, Literal("普京", lang="zh")))
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
        if index in EVENT_DATES:
            g.add((event, KG.date, EVENT_DATES[index]))
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
    ("entity", "label", "label_en", "kind", "names"),
    [
        (PUTIN, "プーチン", "Vladimir Putin", "Person", ["Vladimir Putin", "プーチン", "普京"]),
        (NORTH_KOREA, "北朝鮮", "North Korea", "State", ["North Korea", "北朝鮮"]),
        (
            TREATY,
            "包括的戦略パートナーシップ条約",
            None,
            "Agreement",
            ["包括的戦略パートナーシップ条約"],
        ),
    ],
)
def test_node_attributes(news_entity_graph, entity, label, label_en, kind, names):
    assert news_entity_graph.nodes[str(entity)] == {
        "label": label,
        "label_en": label_en,
        "kind": kind,
        "iri": str(entity),
        "names": names,  # labels and aliases, for find_entity
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
    shared = {
        "agent": str(PUTIN),
        "agent_label": "プーチン",
        "relation": "visited",
        "target": str(NORTH_KOREA),
        "target_label": "北朝鮮",
        "rule": "visited-rule-1",
    }
    assert visit["evidence"] == [  # ordered by article date
        shared
        | {
            "event": str(event_iri("d1", 1)),
            "sentence": "プーチン大統領が北朝鮮を訪問した。",
            "doc_title": "プーチン氏、24年ぶり訪朝",
            "doc_date": "2024-06-19",
            "source": "a.txt",
            "modality": "asserted",
            "date": "2024-06-18",  # the event's own kg:date
            "dated_by": "event",
        },
        shared
        | {
            "event": str(event_iri("d2", 0)),
            "sentence": "プーチン氏は平壌に到着したと報じられた。",
            "doc_title": "露朝が新条約に署名",
            "doc_date": "2024-06-20",
            "source": "b.txt",
            "modality": "reported",
            "date": "2024-06-20",  # none of its own: the article's
            "dated_by": "article",
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


# ---- timeline ----


def test_timeline_lists_every_event_by_its_own_date_else_the_article_date(news_entity_graph):
    rows = [
        (e["date"], e["dated_by"], e["agent_label"], e["relation"], e["modality"])
        for e in timeline(news_entity_graph)
    ]
    assert rows == [
        ("2024-06-18", "event", "プーチン", "visited", "asserted"),
        ("2024-06-20", "article", "プーチン", "visited", "reported"),
        ("2024-06-20", "article", "プーチン", "signed", "asserted"),
        ("2024-06-20", "article", "金正恩", "signed", "asserted"),
        ("2024-07-01", "article", "北朝鮮", "supplied", "reported"),
        ("2024-09", "event", "金正恩", "visited", "planned"),  # no edge, but an event
    ]


def test_undated_events_come_last():
    G = nx.MultiDiGraph()
    G.graph["events"] = [
        {"date": "", "doc_title": "", "sentence": "undated"},
        {"date": "2023", "doc_title": "", "sentence": "a year"},
    ]
    assert [e["sentence"] for e in timeline(G)] == ["a year", "undated"]


# ---- communities ----


def two_camps() -> nx.MultiDiGraph:
    """Two triangles of well-attested ties joined by one thin tie, and a loner."""
    G = nx.MultiDiGraph()
    for a, b in [
        ("a1", "a2"),
        ("a2", "a3"),
        ("a3", "a1"),
        ("b1", "b2"),
        ("b2", "b3"),
        ("b3", "b1"),
    ]:
        G.add_edge(a, b, key="signed", relation="signed", weight=3)
    G.add_edge("a1", "b1", key="condemned", relation="condemned", weight=1)
    G.add_node("loner")
    return G


def test_communities_split_the_two_camps_and_leave_out_the_loner():
    found = communities(two_camps())
    assert sorted(map(sorted, found)) == [["a1", "a2", "a3"], ["b1", "b2", "b3"]]
    assert modularity(two_camps(), found) > 0.3


def test_community_members_are_ordered_by_pagerank(news_entity_graph):
    found = communities(news_entity_graph)
    assert sorted(member for group in found for member in group) == sorted(
        str(e) for e in (PUTIN, KIM, RUSSIA, NORTH_KOREA, TREATY)
    )
    ranks = {s.iri: s.pagerank for s in centrality(news_entity_graph)}
    for group in found:
        assert [ranks[m] for m in group] == sorted((ranks[m] for m in group), reverse=True)


def test_communities_are_reproducible(news_entity_graph):
    assert communities(news_entity_graph) == communities(news_entity_graph)


def test_no_relations_no_communities():
    G = nx.MultiDiGraph()
    G.add_nodes_from(["a", "b"])
    assert communities(G) == []
    assert modularity(G, []) == 0.0


# ---- signed view and blocs ----


@pytest.mark.parametrize(
    ("ties", "sign", "cooperative", "hostile"),
    [
        ([("condemned", 1)], -1, 0, 1),
        ([("visited", 2)], 1, 2, 0),
        ([("supplied", 0)], 1, 1, 0),  # a relation without evidence still counts once
        ([("visited", 1), ("condemned", 1)], 0, 1, 1),  # as much friendship as hostility
        ([("signed", 3), ("condemned", 1)], 1, 3, 1),
        ([("signed", 1), ("condemned", 2)], -1, 1, 2),
    ],
)
def test_signed_graph(ties, sign, cooperative, hostile):
    G = nx.MultiDiGraph()
    for index, (relation, weight) in enumerate(ties):
        a, b = ("x", "y") if index % 2 == 0 else ("y", "x")  # direction does not matter
        G.add_edge(a, b, key=relation, relation=relation, weight=weight)
    edge = signed_graph(G).edges["x", "y"]
    assert (edge["sign"], edge["cooperative"], edge["hostile"]) == (sign, cooperative, hostile)


@pytest.mark.parametrize(
    ("ties", "expected"),
    [
        pytest.param(
            [
                ("ru", "signed", "treaty"),
                ("kp", "signed", "treaty"),
                ("us", "condemned", "treaty"),
                ("kr", "condemned", "kp"),
            ],
            [({"kp", "ru", "treaty"}, (1,), ()), ({"kr", "us"}, (0,), ())],
            id="the-enemy-of-my-enemy",
        ),
        pytest.param(
            [("a", "condemned", "b"), ("b", "condemned", "c"), ("c", "condemned", "a")],
            [({"a"}, (1, 2), ()), ({"b"}, (0, 2), ()), ({"c"}, (0, 1), ())],
            id="odd-cycle-of-hostility-splits-no-two-ways",
        ),
        pytest.param(
            [("a", "visited", "b"), ("b", "visited", "c"), ("a", "condemned", "c")],
            [({"a", "b", "c"}, (), (("a", "c"),))],
            id="hostility-inside-a-bloc",
        ),
        pytest.param(
            [("a", "visited", "b"), ("c", "supplied", "d"), ("c", "supplied", "e")],
            [({"c", "d", "e"}, (), ()), ({"a", "b"}, (), ())],
            id="unrelated-groups",
        ),
    ],
)
def test_blocs(ties, expected):
    G = nx.MultiDiGraph()
    for agent, relation, target in ties:
        G.add_edge(agent, target, key=relation, relation=relation, weight=1)
    G.add_node("loner")
    found = [(set(b.members), b.rivals, b.strains) for b in blocs(G)]
    assert found == expected


def test_bloc_members_most_central_first():
    G = nx.MultiDiGraph()
    for agent in ("a", "b", "c"):
        G.add_edge(agent, "hub", key="visited", relation="visited", weight=1)
    assert blocs(G)[0].members[0] == "hub"


# ---- names and explained paths ----


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("プーチン", PUTIN),  # Japanese label
        ("Vladimir Putin", PUTIN),  # English label
        ("vladimir PUTIN", PUTIN),  # any case
        ("  Vladimir   Putin ", PUTIN),  # any spacing
        ("普京", PUTIN),  # an alias
        ("Vladimir_Putin", PUTIN),  # the IRI's tail
        ("ＲＵＳＳＩＡ", RUSSIA),  # full-width
        ("北朝鮮", NORTH_KOREA),
        ("パートナーシップ", TREATY),  # part of exactly one entity's names
    ],
)
def test_find_entity(news_entity_graph, name, entity):
    assert find_entity(news_entity_graph, name) == str(entity)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("xyz", "no entity is called 'xyz'"),
        ("プーチソ", "no entity is called 'プーチソ'; did you mean: プーチン?"),
        (
            "朝",
            "'朝' matches 2 entities: 包括的戦略パートナーシップ条約 "
            "(露朝包括的戦略パートナーシップ条約), 北朝鮮 (North_Korea)",
        ),
    ],
)
def test_find_entity_errors_name_the_candidates(news_entity_graph, name, message):
    with pytest.raises(PathError) as error:
        find_entity(news_entity_graph, name)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_explained_path_hops_with_evidence(news_entity_graph):
    hops = explained_path(news_entity_graph, str(KIM), str(RUSSIA))
    steps = [
        (local_name(h.start), [(r.agent_label, r.relation, r.target_label) for r in h.relations])
        for h in hops
    ]
    assert steps == [
        ("Kim_Jong_Un", [("金正恩", "signed", "包括的戦略パートナーシップ条約")]),
        (
            "露朝包括的戦略パートナーシップ条約",
            [("プーチン", "signed", "包括的戦略パートナーシップ条約")],
        ),
        ("Vladimir_Putin", [("プーチン", "visited", "北朝鮮")]),
        ("North_Korea", [("北朝鮮", "supplied", "ロシア")]),
    ]
    assert hops[-1].end == str(RUSSIA)
    assert hops[2].relations[0].evidence[0]["sentence"] == "プーチン大統領が北朝鮮を訪問した。"


def test_explained_path_lists_both_directions_best_attested_first():
    G = nx.MultiDiGraph()
    G.add_edge("un", "kp", key="condemned", relation="condemned", weight=1, evidence=[])
    G.add_edge("kp", "un", key="condemned", relation="condemned", weight=4, evidence=[])
    (hop,) = explained_path(G, "un", "kp")
    assert [(r.agent, r.count) for r in hop.relations] == [("kp", 4), ("un", 1)]


def test_explained_path_prefers_the_better_attested_of_equally_short_paths():
    G = nx.MultiDiGraph()
    for a, b, weight in [("s", "thin", 1), ("thin", "t", 1), ("s", "thick", 5), ("thick", "t", 5)]:
        G.add_edge(a, b, key="visited", relation="visited", weight=weight, evidence=[])
    G.add_edge("s", "t2", key="visited", relation="visited", weight=1, evidence=[])
    assert [hop.end for hop in explained_path(G, "s", "t")] == ["thick", "t"]


def test_explained_path_prefers_fewer_hops_over_evidence():
    G = nx.MultiDiGraph()
    G.add_edge("s", "t", key="condemned", relation="condemned", weight=1, evidence=[])
    for a, b in [("s", "m1"), ("m1", "t")]:
        G.add_edge(a, b, key="signed", relation="signed", weight=50, evidence=[])
    assert [hop.end for hop in explained_path(G, "s", "t")] == ["t"]


def test_no_path_is_an_error(news_entity_graph):
    with pytest.raises(PathError, match="no chain of relations links プーチン and 日本"):
        explained_path(news_entity_graph, str(PUTIN), str(JAPAN))


@pytest.mark.parametrize("entity", [PUTIN, JAPAN], ids=["related", "unrelated"])
def test_path_to_itself_is_empty(news_entity_graph, entity):
    assert explained_path(news_entity_graph, str(entity), str(entity)) == []


# ---- kg analyze ----


@pytest.fixture
def news_ttl(news_graph, tmp_path) -> Path:
    path = tmp_path / "news.ttl"
    news_graph.serialize(path, format="turtle")
    return path


def analyze(runner, *args: str):
    from kg.cli import app

    return runner.invoke(app, ["analyze", *args], env={"COLUMNS": "200"})


def test_analyze_prints_every_section(runner, news_ttl):
    result = analyze(runner, "-g", str(news_ttl), "--path", "金正恩", "russia")
    assert result.exit_code == 0, result.output
    text = result.output
    for heading in [
        "Centrality",
        "Communities (Louvain",
        "Blocs (signed view",
        "Timeline (6 events",
    ]:
        assert heading in text
    path = text[text.index("Path 金正恩 → russia: 4 hops") :].splitlines()
    assert [line for line in path if "→" in line and "mention" in line] == [
        "   金正恩 —signed→ 包括的戦略パートナーシップ条約 (1 mention)",
        "   プーチン —signed→ 包括的戦略パートナーシップ条約 (1 mention)",
        "   プーチン —visited→ 北朝鮮 (2 mentions)",
        "   北朝鮮 —supplied→ ロシア (1 mention)",
    ]
    assert "     「プーチン大統領が北朝鮮を訪問した。」" in path


def test_analyze_centrality_rows_and_top(runner, news_ttl):
    result = analyze(runner, "-g", str(news_ttl), "--top", "2", "--no-timeline")
    assert result.exit_code == 0, result.output
    assert "Centrality (top 2 of 6 by PageRank)" in result.output
    assert re.search(r"│\s+1 │ ロシア\s+│ State", result.output)
    assert "日本" not in result.output.split("Communities")[0]  # cut at the top 2
    assert "Timeline" not in result.output


def test_analyze_takes_a_build_folder(runner, seeds_build):
    _, out = seeds_build
    result = analyze(runner, "-g", str(out), "--path", "プーチン", "尹錫悦")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Path プーチン → 尹錫悦:" in text
    path = text[text.index("Path プーチン → 尹錫悦:") :]
    assert path.splitlines()[1].startswith("1. ウラジーミル・プーチン — ")
    assert "尹錫悦" in path.splitlines()[-3] + path.splitlines()[-4]  # the last hop reaches him
    assert "「" in path  # with evidence


def test_analyze_escapes_markup_in_article_text(runner, tmp_path):
    g = Graph()
    x, y = entity_iri("X"), entity_iri("Y")
    g.add((x, RDF.type, KG.Person)).add((y, RDF.type, KG.State))
    g.add((x, RDFS.label, Literal("[bold red]赤[/bold red]", lang="ja")))
    g.add((x, KG.visited, y))
    path = tmp_path / "g.ttl"
    g.serialize(path, format="turtle")
    result = analyze(runner, "-g", str(path), "--path", "[bold red]赤[/bold red]", "Y")
    assert result.exit_code == 0, result.output
    assert "[bold red]赤[/bold red] —visited→ Y" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-g", "no/such/folder"], "no graph found"),
        (["--path", "xyz", "ロシア"], "no entity is called 'xyz'"),
        (["--path", "プーチン", "朝"], "'朝' matches 2 entities: 包括的戦略パートナーシップ条約"),
        (["--path", "プーチン", "日本"], "no chain of relations links プーチン and 日本"),
    ],
)
def test_analyze_errors_are_one_line(runner, news_ttl, args, message):
    if "-g" not in args:
        args = ["-g", str(news_ttl), *args]
    result = analyze(runner, *args)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_analyze_rejects_a_file_that_is_not_turtle(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    result = analyze(runner, "-g", str(bad))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert f"{bad}: not a readable Turtle graph: line 1, column 1: " in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_analyze_help_has_examples(runner):
    result = analyze(runner, "--help")
    assert result.exit_code == 0
    assert "Examples" in result.output and "kg analyze --path プーチン 尹錫悦" in result.output
