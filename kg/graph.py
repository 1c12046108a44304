"""Entities, documents and events → an rdflib graph.  The only module that mints IRIs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.files import write_text_atomic
from kg.model import Article, Entity, Event, Mention
from kg.vocab import (
    EVENT_CLASS,
    ITSRDF,
    KG,
    NIF,
    PREFIXES,
    SCHEMA,
    WD,
    document_iri,
    entity_iri,
    event_iri,
    string_iri,
)

__all__ = ["build_graph", "write_turtle", "new_graph", "BNode"]


def new_graph() -> Graph:
    """An empty graph with kg's prefixes bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


# A mention as the graph records it: the document, the mention, the entities it names.
NamedMention = tuple[str, Mention, tuple[str, ...]]


def build_graph(
    articles: Iterable[Article],
    entities: Iterable[Entity],
    events: Iterable[Event],
    mentions: Iterable[NamedMention] | None = None,
) -> Graph:
    """The knowledge graph: documents, entities, events with provenance, direct triples,
    and, unless ``mentions`` is None, every name as a NIF 2.0 phrase of its document."""
    graph = new_graph()
    texts = {}
    for article in articles:
        _add_document(graph, article, context=mentions is not None)
        texts[article.doc_id] = article.text
    for entity in entities:
        _add_entity(graph, entity)
    for event in events:
        _add_event(graph, event)
    for doc_id, mention, ids in mentions or ():
        if doc_id in texts:
            _add_mention(graph, doc_id, len(texts[doc_id]), mention, ids)
    return graph


def _add_document(graph: Graph, article: Article, context: bool) -> None:
    node = document_iri(article.doc_id)
    graph.add((node, RDF.type, KG.Document))
    graph.add((node, DCTERMS.source, Literal(article.source)))
    graph.add((node, DCTERMS.identifier, Literal(article.identifier)))
    if context:
        text = string_iri(article.doc_id, 0, len(article.text))
        graph.add((node, KG.context, text))
        graph.add((text, RDF.type, NIF.Context))
        graph.add((text, RDF.type, NIF.RFC5147String))
        graph.add((text, NIF.isString, Literal(article.text)))
        graph.add((text, NIF.beginIndex, _index(0)))
        graph.add((text, NIF.endIndex, _index(len(article.text))))
        if article.url:
            graph.add((text, NIF.sourceUrl, Literal(article.url, datatype=XSD.anyURI)))
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
    if entity.state and entity.kind == "Person":
        graph.add((node, SCHEMA.nationality, entity_iri(entity.state)))
    elif entity.state:
        graph.add((node, KG.state, entity_iri(entity.state)))
    if entity.organ:
        graph.add((node, KG.organ, Literal(True)))
    if entity.parent:
        graph.add((node, SCHEMA.parentOrganization, entity_iri(entity.parent)))
    if entity.named_after:
        graph.add((node, KG.namedAfter, entity_iri(entity.named_after)))
    if entity.scope:
        graph.add((node, KG.scope, document_iri(entity.scope)))
    graph.add((node, KG.inGazetteer, Literal(entity.in_gazetteer)))


def _add_mention(
    graph: Graph, doc_id: str, length: int, mention: Mention, ids: tuple[str, ...]
) -> None:
    """One name as a nif:Phrase of its document's context, pointing to what it names."""
    if not 0 <= mention.start < mention.end <= length:
        return
    node = string_iri(doc_id, mention.start, mention.end)
    graph.add((node, RDF.type, NIF.Phrase))
    graph.add((node, NIF.anchorOf, Literal(mention.text)))
    graph.add((node, NIF.beginIndex, _index(mention.start)))
    graph.add((node, NIF.endIndex, _index(mention.end)))
    graph.add((node, NIF.referenceContext, string_iri(doc_id, 0, length)))
    for entity_id in ids:
        graph.add((node, ITSRDF.taIdentRef, entity_iri(entity_id)))
    graph.add((node, ITSRDF.taClassRef, KG[mention.kind]))


def _index(value: int) -> Literal:
    return Literal(value, datatype=XSD.nonNegativeInteger)


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
    write_text_atomic(path, turtle(graph))


def turtle(graph: Graph) -> str:
    """The graph as Turtle with kg's prefixes, each subject's triples together, sorted.

    Written by Oxigraph: rdflib's Turtle serializer computes a prefixed name for every
    IRI through a trie of namespaces that grows with every document (NIF strings are
    ``doc:<id>#char=…``), and took minutes on a graph of a few thousand articles.

    >>> g = new_graph()
    >>> _ = g.add((KG.a, RDFS.label, Literal("北朝鮮", lang="ja")))
    >>> print(turtle(g).strip().splitlines()[-1])
    kg:a rdfs:label "北朝鮮"@ja .
    """
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    triples = sorted(graph, key=lambda t: (str(t[0]), str(t[1]), t[2].n3()))
    data = ox.serialize(
        (ox.Triple(_oxigraph(s), _oxigraph(p), _oxigraph(o)) for s, p, o in triples),
        format=ox.RdfFormat.TURTLE,
        prefixes=prefixes,
    )
    return data.decode("utf-8")


def _oxigraph(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")
