"""The Turtle graph: schema, provenance, both parsers, untrusted text."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SKOS

from kg.graph import build_graph, write_turtle
from kg.model import Article, Entity, Event, Evidence
from kg.vocab import KG, entity_iri, sparql_prefixes


def test_seed_graph_parses_in_oxigraph_too(seeds_build):
    _, out = seeds_build
    store = ox.Store()
    store.load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    assert len(store) > 100


def test_every_entity_has_type_and_japanese_label(seeds_graph):
    for cls in (KG.Person, KG.State, KG.Agreement, KG.Organization, KG.Place):
        for node in seeds_graph.subjects(RDF.type, cls):
            langs = {lbl.language for lbl in seeds_graph.objects(node, RDFS.label)}
            assert "ja" in langs, node


def test_every_direct_triple_has_an_event_with_provenance(seeds_graph):
    query = (
        sparql_prefixes()
        + """
    SELECT ?a ?rel ?b WHERE {
      VALUES ?rel { kg:signed kg:visited kg:supplied kg:condemned }
      ?a ?rel ?b .
      FILTER NOT EXISTS {
        ?e kg:relation ?rel ; kg:agent ?a ; kg:target ?b ; kg:evidence ?s ;
           kg:beginIndex ?i ; kg:endIndex ?j ; kg:rule ?r ; kg:modality ?m ;
           prov:wasDerivedFrom ?d .
        ?d a kg:Document .
      }
    }"""
    )
    assert list(seeds_graph.query(query)) == []
    assert len(list(seeds_graph.subjects(RDF.type, KG.Event))) > 10


def test_the_main_actors_are_one_node_each(seeds_graph):
    def nodes_labelled(text):
        return {
            s
            for s, _, o in seeds_graph.triples((None, None, None))
            if isinstance(o, rdflib.Literal)
            and str(o) == text
            and _ in (RDFS.label, SKOS.altLabel, SKOS.prefLabel)
        }

    for surfaces in (["プーチン", "ウラジーミル・プーチン"], ["金正恩", "キム・ジョンウン"]):
        found = set().union(*(nodes_labelled(s) for s in surfaces))
        assert len(found) == 1, (surfaces, found)
    treaty = entity_iri("DPRK_Russia_Comprehensive_Strategic_Partnership_Treaty")
    assert (treaty, RDF.type, KG.Agreement) in seeds_graph
    agreements = set(seeds_graph.subjects(RDF.type, KG.Agreement))
    treaty_like = {
        a
        for a in agreements
        if any("パートナー" in str(lbl) for lbl in seeds_graph.objects(a, RDFS.label))
    }
    assert treaty_like == {treaty}


def test_no_boilerplate_names_reach_the_graph(seeds_build):
    _, out = seeds_build
    text = (out / "graph.ttl").read_text(encoding="utf-8")
    for name in (
        "小池百合子",
        "ケイティ・ペリー",
        "メーガン",
        "キャサリン",
        "ニューズウィーク",
        "トムソンロイター",
    ):
        assert name not in text


def test_offsets_point_at_the_evidence(seeds_graph):
    """Offsets index the cleaned text: the evidence length equals end - begin."""
    for event in seeds_graph.subjects(RDF.type, KG.Event):
        sentence = str(seeds_graph.value(event, KG.evidence))
        begin = seeds_graph.value(event, KG.beginIndex).toPython()
        end = seeds_graph.value(event, KG.endIndex).toPython()
        assert end - begin == len(sentence)


def _tiny(evil: str):
    article = Article("d1", evil + ".txt", "本文。", evil, dt.date(2024, 6, 20))
    entities = [Entity("a", "State", evil), Entity("person/" + evil, "Person", evil)]
    event = Event(
        "condemned",
        "a",
        "person/" + evil,
        Evidence("d1", evil, 0, len(evil)),
        "condemned.predicate",
    )
    return build_graph([article], entities, [event])


def test_untrusted_text_is_quoted_in_turtle(tmp_path):
    evil = '"> <script>alert(1)</script> """\\ \n @prefix x: <http://evil/> .'
    path = tmp_path / "g.ttl"
    write_turtle(_tiny(evil), path)
    back = rdflib.Graph().parse(path, format="turtle")
    assert evil in {str(o) for o in back.objects(None, KG.evidence)}
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert len(store) == len(back)
    assert not any("evil" in str(p) for p in back.predicates())


def test_event_without_fact_modality_has_no_direct_triple():
    article = Article("d1", "x.txt", "本文。", None, None)
    entities = [Entity("a", "State", "甲"), Entity("b", "State", "乙")]
    event = Event("supplied", "a", "b", Evidence("d1", "本文。", 0, 3), "r", modality="negated")
    graph = build_graph([article], entities, [event])
    assert (entity_iri("a"), KG.supplied, entity_iri("b")) not in graph
    assert (None, KG.modality, KG.negated) in graph


def test_list_page_events_carry_their_item_date(seeds_graph):
    """Seed 004 lists items with their own dates; evidence keeps the item's date and title."""
    query = (
        sparql_prefixes()
        + """
    SELECT DISTINCT ?date ?title WHERE {
      ?e a kg:Event ; kg:sourceDate ?date ; kg:sourceTitle ?title ; prov:wasDerivedFrom ?d .
      ?d dcterms:source ?source . FILTER(STRSTARTS(?source, "004_"))
    }"""
    )
    rows = {(str(r.date), str(r.title)) for r in seeds_graph.query(query)}
    assert len({date for date, _ in rows}) >= 3, rows
    assert all(date.startswith("2024-0") for date, _ in rows)


# --- Mentions in NIF 2.0 (issue 11). ---

NIF_QUERY = """
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
PREFIX kg: <https://w3id.org/kg/ns#>
SELECT ?anchor ?begin ?end ?text ?entity ?doc WHERE {
  ?phrase a nif:Phrase ; nif:anchorOf ?anchor ; nif:beginIndex ?begin ; nif:endIndex ?end ;
          nif:referenceContext ?context ; itsrdf:taIdentRef ?entity .
  ?context a nif:Context ; nif:isString ?text .
  ?doc kg:context ?context .
}"""


def test_every_name_is_a_nif_phrase_whose_offsets_slice_its_text(seeds_graph):
    rows = list(seeds_graph.query(NIF_QUERY))
    assert len(rows) > 100
    for row in rows:
        text = str(row.text)
        assert text[int(row.begin) : int(row.end)] == str(row.anchor), row
        assert (row.entity, RDF.type, None) in seeds_graph, row.entity  # a typed entity
        assert (row.doc, RDF.type, KG.Document) in seeds_graph


def test_nif_mentions_parse_in_oxigraph(seeds_build):
    _, out = seeds_build
    store = ox.Store()
    store.load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    rows = list(store.query(NIF_QUERY))
    assert len(rows) > 100
    for row in rows[:200]:
        assert (
            row["text"].value[int(row["begin"].value) : int(row["end"].value)]
            == row["anchor"].value
        )


def test_event_offsets_count_in_the_nif_text(seeds_graph):
    query = (
        sparql_prefixes()
        + """SELECT ?evidence ?begin ?end ?text WHERE {
      ?e kg:evidence ?evidence ; kg:beginIndex ?begin ; kg:endIndex ?end ;
         prov:wasDerivedFrom ?doc .
      ?doc kg:context ?context . ?context nif:isString ?text .
    }"""
    )
    rows = list(seeds_graph.query(query))
    assert rows
    for row in rows:
        assert str(row.text)[int(row.begin) : int(row.end)] == str(row.evidence)


def test_no_mentions_leaves_them_out(runner, tmp_path):
    from kg.cli import app

    source = tmp_path / "a.txt"
    source.write_text("ケニアのルト大統領は12日、ウガンダを訪問した。", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", str(source), "-o", str(out), "--no-mentions", "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    assert not list(graph.query(NIF_QUERY))
    assert list(graph.triples((None, KG.visited, None)))


def test_a_rows_own_id_is_its_documents_identifier(runner, tmp_path):
    import json

    from rdflib.namespace import DCTERMS

    from kg.cli import app

    rows = tmp_path / "rows.jsonl"
    lines = [
        {
            "id": "rec-001",
            "title": "ケニア大統領が訪問",
            "text": "ケニアのルト大統領がウガンダを訪問した。",
        },
        {"id": 42, "text": "ケニアのルト大統領がウガンダを訪問した。"},
    ]
    rows.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(rows), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    identifiers = {
        str(o)
        for d in graph.subjects(RDF.type, KG.Document)
        for o in graph.objects(d, DCTERMS.identifier)
    }
    assert identifiers == {"rec-001", "42"}  # the same text under two ids: two documents
