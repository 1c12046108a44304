"""Support counts: only asserted and reported mentions support a relation.

Denied, negated, planned, hypothetical, requested and promised mentions of the same
agent, relation and target are shown apart wherever a count or an edge width stands
for support (the entity graph, report.md, graph.html, exports, saved queries), never
added in.  The graph: North Korea supplied Russia, asserted 3 times, reported 4 times
and denied once (by its foreign ministry); Prigozhin condemned the defence ministry,
asserted once and negated once.
"""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from kg.analyze import centrality, entity_graph, relation_table
from kg.vocab import KG, document_iri, entity_iri, event_iri

NORTH_KOREA, RUSSIA = entity_iri("North_Korea"), entity_iri("Russia")
PRIGOZHIN, MINISTRY = entity_iri("Yevgeny_Prigozhin"), entity_iri("Russian_Defence_Ministry")
SUPPLIED = [("asserted", 3), ("reported", 4), ("denied", 1)]
CONDEMNED = [("asserted", 1), ("negated", 1)]


def _graph() -> Graph:
    g = Graph()
    for entity, kind, label in [
        (NORTH_KOREA, "State", "北朝鮮"),
        (RUSSIA, "State", "ロシア"),
        (PRIGOZHIN, "Person", "プリゴジン"),
        (MINISTRY, "Organization", "ロシア国防省"),
    ]:
        g.add((entity, RDF.type, KG[kind]))
        g.add((entity, RDFS.label, Literal(label, lang="ja")))
    document = document_iri("d1")
    g.add((document, RDF.type, KG.Document))
    g.add((document, DCTERMS.source, Literal("a.txt")))
    g.add((document, DCTERMS.title, Literal("露朝")))
    index = 0
    for relation, agent, target, modalities in [
        ("supplied", NORTH_KOREA, RUSSIA, SUPPLIED),
        ("condemned", PRIGOZHIN, MINISTRY, CONDEMNED),
    ]:
        g.add((agent, KG[relation], target))  # the asserted mentions make the triple
        for modality, count in modalities:
            for _ in range(count):
                index += 1
                event = event_iri("d1", index)
                for p, o in [
                    (RDF.type, KG.Event),
                    (RDF.type, KG.Supply if relation == "supplied" else KG.Condemnation),
                    (KG.relation, KG[relation]),
                    (KG.agent, agent),
                    (KG.target, target),
                    (KG.modality, KG[modality]),
                    (KG.evidence, Literal(f"{modality} {index}。", lang="ja")),
                    (KG.rule, Literal("r")),
                    (KG.beginIndex, Literal(index)),
                    (KG.endIndex, Literal(index + 1)),
                    (KG.date, Literal(f"2024-06-{index:02d}")),
                    (PROV.wasDerivedFrom, document),
                ]:
                    g.add((event, p, o))
    return g


@pytest.fixture(scope="module")
def graph() -> Graph:
    return _graph()


@pytest.fixture(scope="module")
def supply(graph):
    G = entity_graph(graph)
    return G.edges[str(NORTH_KOREA), str(RUSSIA), "supplied"]


def test_the_edge_weight_counts_asserted_and_reported_only(supply):
    assert supply["weight"] == 7
    assert {e["modality"] for e in supply["evidence"]} == {"asserted", "reported"}
    assert [e["modality"] for e in supply["other"]] == ["denied"]


def test_relation_rows_count_support_and_keep_the_rest_apart(graph):
    rows = {row.relation: row for row in relation_table(graph)}
    assert (rows["supplied"].count, len(rows["supplied"].other)) == (7, 1)
    assert (rows["condemned"].count, [e["modality"] for e in rows["condemned"].other]) == (
        1,
        ["negated"],
    )


def test_report_counts_support_and_shows_denials_apart(graph, tmp_path):
    from kg.report import report_markdown

    G = entity_graph(graph)
    text = report_markdown(graph, G, centrality(G), title="t")
    assert "8 supporting mentions" in text  # 7 + 1, not 8 + 2
    assert "| supplied | 1 | 7 | asserted 3, denied 1, reported 4 |" in text
    assert "| condemned | 1 | 1 | asserted 1, negated 1 |" in text
    assert "**北朝鮮 → ロシア** (7 mentions)" in text
    block = text.split("**北朝鮮 → ロシア**")[1].split("###")[0]
    supporting, _, apart = block.partition("not counted as support")
    assert "denied 8" not in supporting and "denied 8。" in apart
    assert "1 mention not counted as support (denied 1)" in block


def test_the_page_draws_and_counts_support_only(graph, tmp_path):
    import math

    from kg.render import render_html

    G = entity_graph(graph)
    page = tmp_path / "graph.html"
    render_html(G, page, title="t", built="now")
    html = page.read_text(encoding="utf-8")
    data = json.loads(
        re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    [edge] = [e for e in data["edges"] if e["kgRelation"] == "supplied"]
    assert edge["width"] == round(1 + 2 * math.log2(1 + 7), 2)
    assert len(edge["kgDates"]) == 7
    assert edge["tooltip"]["lines"] == ["7 supporting mention(s)", "not counted: denied 1"]
    counts = {label: int(n) for n, label in re.findall(r"<strong>(\d+)</strong> ([a-z ]+)<", html)}
    assert counts.get("supporting mentions") == 8, counts


def test_graphml_weight_is_support(graph, tmp_path):
    import networkx as nx

    from kg.export import write_graphml

    path = tmp_path / "graph.ttl"
    graph.serialize(path, format="turtle")
    with (tmp_path / "g.graphml").open("wb") as stream:
        write_graphml(path, stream)
    exported = nx.read_graphml(tmp_path / "g.graphml")
    [(_, _, data)] = [e for e in exported.edges(data=True) if e[2]["relation"] == "supplied"]
    assert data["weight"] == 7 and data["modalities"] == "asserted; reported"
    assert data["not_counted"] == "denied 1"


@pytest.mark.parametrize(("saved", "rows"), [("supplied", 7), ("condemned", 1)])
def test_saved_queries_list_supporting_mentions(graph, tmp_path, saved, rows):
    from kg.query import prepare, run_query
    from kg.store import open_store

    path = tmp_path / "graph.ttl"
    graph.serialize(path, format="turtle")
    result = run_query(open_store(path), prepare(saved))
    assert len(result.rows) == rows
