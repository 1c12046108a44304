"""kg validate: the seeds' graph conforms to ontology/shapes.ttl; broken graphs are caught."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from kg.cli import app
from kg.query import compact_iri
from kg.validate import Report, validate_graph
from kg.vocab import KG, entity_iri


def _events(graph: Graph) -> list[URIRef]:
    return sorted(graph.subjects(RDF.type, KG.Event), key=str)


def _one(graph: Graph, subject, predicate):
    return next(graph.objects(subject, predicate))


# Each breakage changes one node of a copy of the seeds' graph and says which node,
# path and constraint the report must name.  All are applied to one graph and
# validated once (pySHACL is the slow part).
def no_evidence(g: Graph):
    event = _events(g)[0]
    g.remove((event, KG.evidence, None))
    return event, KG.evidence, "MinCount"


def begin_after_end(g: Graph):
    event = _events(g)[1]
    end = int(_one(g, event, KG.endIndex))
    g.set((event, KG.beginIndex, Literal(end + 5, datatype=XSD.nonNegativeInteger)))
    return event, KG.beginIndex, "LessThanOrEquals"


def offset_not_a_non_negative_integer(g: Graph):
    event = _events(g)[2]
    g.set((event, KG.endIndex, Literal("-3", datatype=XSD.integer)))
    return event, KG.endIndex, "Datatype"


def modality_outside_the_scheme(g: Graph):
    event = _events(g)[3]
    g.set((event, KG.modality, KG.certainly))
    return event, KG.modality, "Node"


def no_document(g: Graph):
    event = _events(g)[4]
    g.remove((event, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None))
    return event, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), "MinCount"


def relation_and_class_disagree(g: Graph):
    event = next(e for e in _events(g) if (e, RDF.type, KG.Visit) in g)
    g.remove((event, RDF.type, KG.Visit))
    g.add((event, RDF.type, KG.Signing))
    return event, None, "SPARQL"


def entity_without_japanese_label(g: Graph):
    entity = entity_iri("Kim_Jong_Un")
    for label in list(g.objects(entity, RDFS.label)):
        if getattr(label, "language", None) == "ja":
            g.remove((entity, RDFS.label, label))
    return entity, RDFS.label, "QualifiedMinCount"


def entity_without_class(g: Graph):
    entity = entity_iri("Antony_Blinken")
    g.remove((entity, RDF.type, None))
    return entity, RDF.type, "QualifiedMinCount"


def document_without_source(g: Graph):
    document = sorted(g.subjects(RDF.type, KG.Document), key=str)[0]
    g.remove((document, DCTERMS.source, None))
    return document, DCTERMS.source, "MinCount"


def direct_triple_without_event(g: Graph):
    agent = entity_iri("Emmanuel_Macron")
    g.add((agent, RDF.type, KG.Person))
    g.add((agent, RDFS.label, Literal("マクロン", lang="ja")))
    g.add((agent, KG.visited, entity_iri("North_Korea")))
    return agent, KG.visited, "SPARQL"


def blank_event(g: Graph):
    event = BNode()
    g.add((event, RDF.type, KG.Event))
    return event, None, "NodeKind"


BREAKAGES = [
    no_evidence,
    begin_after_end,
    offset_not_a_non_negative_integer,
    modality_outside_the_scheme,
    no_document,
    relation_and_class_disagree,
    entity_without_japanese_label,
    entity_without_class,
    document_without_source,
    direct_triple_without_event,
]


@pytest.fixture(scope="module")
def broken(seeds_graph) -> tuple[Report, dict]:
    graph = Graph()
    for triple in seeds_graph:
        graph.add(triple)
    expected = {breakage.__name__: breakage(graph) for breakage in BREAKAGES}
    return validate_graph(graph), expected


def test_the_seeds_graph_conforms(seeds_graph):
    report = validate_graph(seeds_graph)
    assert report.conforms, report.violations[:5]
    assert report.violations == []
    assert "50" in report.summary or "events" in report.summary


def test_validation_leaves_the_callers_graph_alone(seeds_graph):
    before = len(seeds_graph)
    validate_graph(seeds_graph)
    assert len(seeds_graph) == before


@pytest.mark.parametrize("breakage", [b.__name__ for b in BREAKAGES])
def test_a_broken_node_is_named_with_path_and_constraint(broken, breakage):
    report, expected = broken
    node, path, constraint = expected[breakage]
    assert not report.conforms
    matches = [v for v in report.violations if v.focus == compact_iri(str(node))]
    assert matches, f"{breakage}: nothing reported for {node}"
    assert any(
        v.constraint == constraint and (path is None or v.path == compact_iri(str(path)))
        for v in matches
    ), (breakage, matches)
    assert all(v.message for v in matches)


def test_cli_passes_on_the_seeds(runner, seeds_build):
    _, out = seeds_build
    result = runner.invoke(app, ["validate", "-g", str(out)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_cli_fails_naming_the_event_without_evidence(runner, seeds_graph, tmp_path):
    graph = Graph()
    for triple in seeds_graph:
        graph.add(triple)
    event = _events(graph)[0]
    graph.remove((event, KG.evidence, None))
    path = tmp_path / "graph.ttl"
    graph.serialize(path, format="turtle")
    result = runner.invoke(app, ["validate", "-g", str(path)])
    assert result.exit_code == 1
    flat = "".join(result.output.split())  # the table may fold long cells
    assert compact_iri(str(event)) in flat
    assert "kg:evidence" in flat and "MinCount" in flat
    assert "1violation(s)" in flat


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: ["-g", str(tmp / "missing")], "no graph found"),
        (lambda tmp: ["-g", str(tmp / "bad.ttl")], "bad.ttl: not a readable Turtle graph: line 1"),
        (lambda tmp: ["--shapes", str(tmp / "bad.ttl")], "cannot read the shapes"),
    ],
    ids=["missing", "bad-turtle", "bad-shapes"],
)
def test_cli_errors_are_one_line(runner, seeds_build, tmp_path, make, message):
    _, out = seeds_build
    (tmp_path / "bad.ttl").write_text("this is not turtle .", encoding="utf-8")
    args = make(tmp_path)
    if "-g" not in args:
        args += ["-g", str(out)]
    result = runner.invoke(app, ["validate", *args])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
