"""kg query: saved queries on the seeds' graph, safe parameters, the query checks, formats."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDF

from kg import query as q
from kg.cli import app
from kg.vocab import KG

PUTIN, NORTH_KOREA, RUSSIA, KIM = "ウラジーミル・プーチン", "北朝鮮", "ロシア", "金正恩"
TREATY = "包括的戦略パートナーシップ条約"


def run_json(runner, out, *args: str) -> list[dict[str, str]]:
    """`kg query ARGS -g OUT --format json`, as rows of plain values."""
    result = runner.invoke(app, ["query", *args, "-g", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    names = data["head"]["vars"]
    return [{n: b[n]["value"] for n in names if n in b} for b in data["results"]["bindings"]]


@pytest.mark.parametrize(
    ("args", "columns", "expected"),
    [
        (["visited"], ("visitor", "destination"), {(PUTIN, NORTH_KOREA)}),
        (
            ["signed"],
            ("agent", "agreement"),
            {(RUSSIA, TREATY), (NORTH_KOREA, TREATY), (PUTIN, TREATY), (KIM, TREATY)},
        ),
        (["supplied"], ("supplier", "recipient"), {(NORTH_KOREA, RUSSIA)}),
        (["condemned"], ("critic", "target"), {("アントニー・ブリンケン", PUTIN)}),
        (
            ["about", "-p", "label=プーチン"],
            ("property", "node"),
            {
                ("https://w3id.org/kg/ns#visited", "https://w3id.org/kg/id/North_Korea"),
                (
                    "https://w3id.org/kg/ns#signed",
                    "https://w3id.org/kg/id/DPRK_Russia_Comprehensive_Strategic_Partnership_Treaty",
                ),
            },
        ),
        (
            ["about", "-p", "label=VLADIMIR PUTIN"],
            ("entity",),
            {
                ("https://w3id.org/kg/id/Vladimir_Putin",),
            },
        ),
        (
            ["between", "-p", "from=2024-06-19", "-p", "to=2024-06-19"],
            ("agent", "relation"),
            {
                (KIM, "signed"),
                (PUTIN, "signed"),
            },
        ),
    ],
    ids=["visited", "signed", "supplied", "condemned", "about-ja", "about-en", "between"],
)
def test_saved_queries_return_the_right_rows(runner, seeds_build, args, columns, expected):
    _, out = seeds_build
    rows = run_json(runner, out, *args)
    found = {tuple(row.get(c, "") for c in columns) for row in rows}
    assert expected <= found


def test_relation_queries_carry_evidence_and_source(runner, seeds_build):
    _, out = seeds_build
    for name in ("signed", "visited", "supplied", "condemned"):
        rows = run_json(runner, out, name)
        assert rows, name
        assert all(row["evidence"] and row["document"].endswith(".txt") for row in rows), name


def test_signed_has_the_dates_the_articles_give(runner, seeds_build):
    _, out = seeds_build
    dates = {row.get("date") for row in run_json(runner, out, "signed") if row["agent"] == PUTIN}
    assert "2024-06-19" in dates


def test_about_finds_one_entity_by_any_label(runner, seeds_build):
    _, out = seeds_build
    for label in ("プーチン", "ウラジーミル・プーチン", "vladimir putin"):
        entities = {row["entity"] for row in run_json(runner, out, "about", "-p", f"label={label}")}
        assert entities == {"https://w3id.org/kg/id/Vladimir_Putin"}, label


def test_about_lists_incoming_relations_too(runner, seeds_build):
    _, out = seeds_build
    rows = run_json(runner, out, "about", "-p", "label=北朝鮮")
    incoming = {(r["property"], r["value"]) for r in rows if r["direction"] == "←"}
    assert ("https://w3id.org/kg/ns#visited", PUTIN) in incoming


@pytest.mark.parametrize(
    ("first", "last"), [("2024-06-01", "2024-06-30"), ("2024-07-01", "2024-12-31")]
)
def test_between_keeps_to_the_range(runner, seeds_build, first, last):
    _, out = seeds_build
    rows = run_json(runner, out, "between", "-p", f"from={first}", "-p", f"to={last}")
    assert rows
    for row in rows:  # a month (2024-06) overlaps the range when any of its days does
        assert row["date"][:7] >= first[:7] and row["date"] <= last, row


def test_central_is_ordered_by_pagerank(runner, seeds_build):
    _, out = seeds_build
    rows = run_json(runner, out, "central")
    ranks = [float(row["pagerank"]) for row in rows]
    assert ranks == sorted(ranks, reverse=True)
    assert {NORTH_KOREA, RUSSIA} <= {row["actor"] for row in rows[:5]}


def test_entities_and_mentions_cover_the_graph(runner, seeds_build, seeds_graph):
    _, out = seeds_build
    classes = [KG.Person, KG.State, KG.Organization, KG.Place, KG.Agreement]
    entities = {s for c in classes for s in seeds_graph.subjects(RDF.type, c)}
    events = set(seeds_graph.subjects(RDF.type, KG.Event))
    assert len(run_json(runner, out, "entities")) == len(entities)
    mentions = run_json(runner, out, "mentions")
    assert len(mentions) == len(events)
    assert {row["fact"] for row in mentions} <= {"true", "false"}


def test_every_saved_query_has_a_description_and_is_listed(runner):
    result = runner.invoke(app, ["query", "--list"])
    assert result.exit_code == 0
    for saved in q.saved_queries().values():
        assert saved.description, saved.name
        assert saved.name in result.output
    assert "--param label=" in result.output and "--param from=" in result.output


# ---------------------------------------------------------------- parameters

HOSTILE = [
    'x" } . ?s ?p ?o } #',
    'a\\"b',
    "line\nbreak\r\n",
    "'''",
    '"""',
    "} UNION { ?s ?p ?o }",
    "プーチン\u0000",
    "\\u0022) } SERVICE <http://127.0.0.1:1/> {",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_parameter_is_one_literal_whatever_it_holds(value):
    text = q.bind_parameters("SELECT ?label ?n WHERE { BIND(1 AS ?n) }", {"label": value})
    results = q.run_query(ox.Store(), text)
    assert [[term.value for term in row] for row in results.rows] == [[value, "1"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?x }", 'SELECT * WHERE { VALUES (?x) { ("v") } ?s ?p ?x }'),
        ("SELECT * { ?s ?p ?x }", 'SELECT * { VALUES (?x) { ("v") } ?s ?p ?x }'),
        (
            "CONSTRUCT { ?s ?p ?x } WHERE { ?s ?p ?x }",
            'CONSTRUCT { ?s ?p ?x } WHERE { VALUES (?x) { ("v") } ?s ?p ?x }',
        ),
        (
            "CONSTRUCT { ?s ?p ?x } { ?s ?p ?x }",
            'CONSTRUCT { ?s ?p ?x } { VALUES (?x) { ("v") } ?s ?p ?x }',
        ),
        (
            "SELECT (EXISTS { ?a ?b ?x } AS ?e) WHERE { ?s ?p ?x }",
            'SELECT (EXISTS { ?a ?b ?x } AS ?e) WHERE { VALUES (?x) { ("v") } ?s ?p ?x }',
        ),
        (
            "# { a comment\nASK { ?s ?p '{' . ?s ?p ?x }",
            "# { a comment\nASK { VALUES (?x) { (\"v\") } ?s ?p '{' . ?s ?p ?x }",
        ),
    ],
    ids=["select", "no-where", "construct", "construct-short", "exists", "comment-string"],
)
def test_values_go_at_the_start_of_the_where_pattern(text, expected):
    assert q.bind_parameters(text, {"x": "v"}) == expected


@pytest.mark.parametrize(
    ("text", "params", "message"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", {"nope": "1"}, "has no ?nope"),
        ("DESCRIBE <http://x/>", {"x": "1"}, "has no ?x"),
        ("DESCRIBE ?x", {"x": "1"}, "WHERE pattern"),
        ("SELECT * WHERE { ?s ?p ?o }", {"o-o": "1"}, "not a variable name"),
    ],
)
def test_bad_parameters_are_refused(text, params, message):
    with pytest.raises(q.QueryError, match=re.escape(message)):
        q.bind_parameters(text, params)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["about"], "needs label=VALUE"),
        (["about", "-p", "label=x", "-p", "extra=1"], "takes label, not extra"),
        (["visited", "-p", "label"], "expected NAME=VALUE"),
    ],
)
def test_parameter_errors_are_one_clear_line(runner, seeds_build, args, message):
    _, out = seeds_build
    result = runner.invoke(app, ["query", *args, "-g", str(out)])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------- refusals and errors


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", True),
        ("select * where { optional { sErViCe silent <http://x/> { ?s ?p ?o } } }", True),
        ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?u { ?s ?p ?o } } } }", True),
        ("ASK { FILTER EXISTS { SERVICE <http://x/> { ?s ?p ?o } } }", True),
        ("SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", True),
        ("PREFIX service: <http://x/>\nSELECT * WHERE { ?s service:p ?o }", False),
        ("SELECT ?service WHERE { ?service ?p 'SERVICE <http://x/> { }' }", False),
        ('SELECT * WHERE { ?s ?p """\nSERVICE <http://x/> {}\n""" }', False),
        ("SELECT * WHERE { ?s <http://x/SERVICE> ?o } # SERVICE <http://x/> {}", False),
        ("SELECT * WHERE { ?s ?p 'x'@service }", False),
    ],
)
def test_service_is_found_as_a_keyword_only(text, refused):
    assert q.uses_service(text) is refused


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
        "PREFIX x: <http://x/> # comment\ndelete where { ?s ?p ?o }",
        "DROP ALL",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR DEFAULT",
        "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(runner, seeds_build, text):
    with pytest.raises(q.RefusedQuery, match="read-only"):
        q.check_readonly_and_local(text)
    _, out = seeds_build
    result = runner.invoke(app, ["query", text, "-g", str(out)])
    assert result.exit_code != 0 and "refused" in result.output


def test_cli_refuses_service_without_contacting_anyone(runner, seeds_build):
    _, out = seeds_build
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    result = runner.invoke(app, ["query", text, "-g", str(out)])
    assert result.exit_code != 0 and "SERVICE clauses are refused" in result.output


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("SELECT ?x WHERE { ?x", "line 1, column 21"),
        ("SELECT ?x\nWHERE { ?x kg:nope ?y . FILTER( }", "line 2"),
        ("SELEKT ?x WHERE { ?x ?p ?o }", "line 1, column 1"),
    ],
)
def test_malformed_query_names_the_position(runner, seeds_build, text, position):
    _, out = seeds_build
    result = runner.invoke(app, ["query", text, "-g", str(out)])
    assert result.exit_code == 1
    assert "malformed query at " + position in result.output
    assert "Traceback" not in result.output and "'A' ..= 'Z'" not in result.output


def test_malformed_query_with_a_parameter_reports_the_users_position(runner, seeds_build):
    _, out = seeds_build
    result = runner.invoke(app, ["query", "SELECT ?x WHERE { ?x ?y", "-p", "x=1", "-g", str(out)])
    assert "line 1, column 24" in result.output


# ---------------------------------------------------------------- formats


@pytest.fixture(scope="module")
def sample_results() -> q.Results:
    store = ox.Store()
    ex = "http://example.org/"
    store.add(
        ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.Literal('x<&>"', language="ja"))
    )
    store.add(
        ox.Quad(
            ox.NamedNode(ex + "a"),
            ox.NamedNode(ex + "n"),
            ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        )
    )
    store.add(ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.BlankNode("b0")))
    return q.run_query(store, "SELECT ?s ?o ?missing WHERE { ?s ?p ?o } ORDER BY ?o")


def test_json_is_sparql_results_json(sample_results):
    data = json.loads(q.to_json(sample_results))
    assert data["head"]["vars"] == ["s", "o", "missing"]
    objects = [b["o"] for b in data["results"]["bindings"]]
    assert {"type": "literal", "value": 'x<&>"', "xml:lang": "ja"} in objects
    assert {
        "type": "literal",
        "value": "3",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    } in objects
    assert any(o["type"] == "bnode" for o in objects)
    assert all("missing" not in b for b in data["results"]["bindings"])


def test_xml_is_sparql_results_xml(sample_results):
    root = ET.fromstring(q.to_xml(sample_results))
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["s", "o", "missing"]
    literals = [el.text for el in root.iter("{http://www.w3.org/2005/sparql-results#}literal")]
    assert 'x<&>"' in literals


def test_csv_and_tsv(sample_results):
    rows = list(csv.reader(io.StringIO(q.to_csv(sample_results))))
    assert rows[0] == ["s", "o", "missing"] and ["http://example.org/a", 'x<&>"', ""] in rows
    tsv = q.to_sparql_tsv(sample_results).splitlines()
    assert tsv[0] == "?s\t?o\t?missing"
    assert '<http://example.org/a>\t"x<&>\\""@ja\t' in tsv


def test_table_shows_compact_iris(runner, seeds_build):
    _, out = seeds_build
    result = runner.invoke(
        app, ["query", "SELECT ?a WHERE { ?a kg:visited ?b } LIMIT 1", "-g", str(out)]
    )
    assert result.exit_code == 0 and "ent:" in result.output and "row(s)" in result.output


def test_construct_in_the_cli_is_subject_predicate_object(runner, seeds_build):
    _, out = seeds_build
    text = "CONSTRUCT { ?a kg:visited ?b } WHERE { ?a kg:visited ?b }"
    result = runner.invoke(app, ["query", text, "-g", str(out), "-f", "csv"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "subject,predicate,object"
    assert "https://w3id.org/kg/id/Vladimir_Putin,https://w3id.org/kg/ns#visited" in result.output


@pytest.mark.parametrize("command", ["query", "serve", "push", "validate", "export"])
def test_every_command_has_help_with_examples(runner, command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Examples" in result.output


# ---------------------------------------------------------------- benchmark


def test_benchmark_runs_tiny_and_reports_both_engines(seeds_build, capsys):
    from kg.bench.sparql import main

    _, out = seeds_build
    code = main(
        [
            "--graph",
            str(out),
            "--triples",
            "3000",
            "--repeat",
            "1",
            "--budget",
            "5",
            "--queries",
            "visited,central",
        ]
    )
    assert code == 0
    table = capsys.readouterr().out
    for graph in ("seeds", "synthetic"):
        for step in ("visited", "central", "into memory", "open on-disk store", "end to end"):
            assert any(graph in line and step in line for line in table.splitlines()), (graph, step)
    assert "| rdflib ms | oxigraph ms | rdflib ÷ oxigraph |" in table


def test_synthetic_graph_has_our_shape(tmp_path):
    import rdflib

    from kg.bench.sparql import write_synthetic_graph

    path = tmp_path / "graph.ttl"
    write_synthetic_graph(path, 5000)
    g = rdflib.Graph().parse(path, format="turtle")
    assert 4000 < len(g) < 6500
    ours = {KG.agent, KG.target, KG.relation, KG.evidence, KG.beginIndex, KG.modality, KG.pagerank}
    assert ours <= set(g.predicates())
    assert q.run_query(_store_of(path), q.prepare("visited")).rows
    assert not _conformance_problems(g)


def _store_of(path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _conformance_problems(graph) -> list:
    from kg.validate import validate_graph

    return validate_graph(graph).violations
