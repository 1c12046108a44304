"""Entities, documents and events → an rdflib graph.  The only module that mints IRIs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.files import write_text_atomic
from kg.model import Article, Entity, Event
from kg.vocab import (
    EVENT_CLASS,
    KG,
    PREFIXES,
    SCHEMA,
    WD,
    document_iri,
    entity_iri,
    event_iri,
)

__all__ = ["build_graph", "write_turtle", "new_graph", "BNode"]


def new_graph() -> Graph:
    """An empty graph with kg's prefixes bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def build_graph(
    articles: Iterable[Article], entities: Iterable[Entity], events: Iterable[Event]
) -> Graph:
    """The knowledge graph: documents, entities, events with provenance, direct triples."""
    graph = new_graph()
    for article in articles:
        _add_document(graph, article)
    for entity in entities:
        _add_entity(graph, entity)
    for event in events:
        _add_event(graph, event)
    return graph


def _add_document(graph: Graph, article: Article) -> None:
    node = document_iri(article.doc_id)
    graph.add((node, RDF.type, KG.Document))
    graph.add((node, DCTERMS.source, Literal(article.source)))
    graph.add((node, DCTERMS.identifier, Literal(article.doc_id)))
    if article.title:
        graph.add((node, DCTERMS.title, Literal(article.title, lang="ja")))
    if article.date:
        graph.add((node, DCTERMS.date, Literal(article.date.isoformat(), datatype=XSD.date)))
    if article.url:
        graph.add((node, SCHEMA.url, Literal(article.url, datatype=XSD.anyURI)))


def _add_entity(graph: Graph, entity: Entity) -> None:
    node = entity_iri(entity.entity_id)
    graph.add((node, RDF.type, KG[entity.kind]))
    graph.add((node, RDFS.label, Literal(entity.label_ja, lang="ja")))
    graph.add((node, SKOS.prefLabel, Literal(entity.label_ja, lang="ja")))
    if entity.label_en:
        graph.add((node, RDFS.label, Literal(entity.label_en, lang="en")))
        graph.add((node, SKOS.prefLabel, Literal(entity.label_en, lang="en")))
    for alias in sorted(entity.aliases - {entity.label_ja, entity.label_en}):
        graph.add((node, SKOS.altLabel, Literal(alias, lang="ja")))
    for title in sorted(entity.titles):
        graph.add((node, SCHEMA.jobTitle, Literal(title, lang="ja")))
    if entity.wikidata:
        graph.add((node, OWL.sameAs, WD[entity.wikidata]))
    if entity.located_in:
        graph.add((node, SCHEMA.containedInPlace, entity_iri(entity.located_in)))
    graph.add((node, KG.inGazetteer, Literal(entity.in_gazetteer)))


def _add_event(graph: Graph, event: Event) -> URIRef:
    evidence = event.evidence
    node = event_iri(
        evidence.doc_id, evidence.start, event.relation, event.agent, event.target, event.rule_id
    )
    agent, target = entity_iri(event.agent), entity_iri(event.target)
    graph.add((node, RDF.type, KG.Event))
    graph.add((node, RDF.type, EVENT_CLASS[event.relation]))
    graph.add((node, KG.relation, KG[event.relation]))
    graph.add((node, KG.agent, agent))
    graph.add((node, KG.target, target))
    graph.add((node, KG.modality, KG[event.modality]))
    graph.add((node, KG.rule, Literal(event.rule_id)))
    graph.add((node, KG.trigger, Literal(event.trigger, lang="ja")))
    graph.add((node, KG.evidence, Literal(evidence.sentence, lang="ja")))
    graph.add((node, KG.beginIndex, Literal(evidence.start, datatype=XSD.nonNegativeInteger)))
    graph.add((node, KG.endIndex, Literal(evidence.end, datatype=XSD.nonNegativeInteger)))
    graph.add((node, PROV.wasDerivedFrom, document_iri(evidence.doc_id)))
    if evidence.published:
        graph.add((node, KG.sourceDate, Literal(evidence.published.isoformat(), datatype=XSD.date)))
    if evidence.section_title:
        graph.add((node, KG.sourceTitle, Literal(evidence.section_title, lang="ja")))
    if event.date:
        datatype = XSD.date if len(event.date) == 10 else XSD.gYearMonth
        graph.add((node, KG.date, Literal(event.date, datatype=datatype)))
    if event.place:
        graph.add((node, SCHEMA.location, entity_iri(event.place)))
    if event.item:
        graph.add((node, KG.item, Literal(event.item, lang="ja")))
    for reporter in event.attributed_to:
        graph.add((node, KG.attributedTo, entity_iri(reporter)))
    graph.add((agent, KG.mentionedIn, document_iri(evidence.doc_id)))
    graph.add((target, KG.mentionedIn, document_iri(evidence.doc_id)))
    if event.is_fact:
        graph.add((agent, KG[event.relation], target))
    return node


def write_turtle(graph: Graph, path: Path) -> None:
    """Serialize to Turtle atomically."""
    write_text_atomic(path, graph.serialize(format="turtle"))
