"""Network analysis of the finished knowledge graph: who is central, and on what evidence.

A reader of the rdflib graph that :mod:`kg.graph` built; it never mints IRIs.  The flow is
``entity_graph(g)`` → ``centrality(G)`` → ``add_scores(g, scores)``, and
``relation_table`` gives the rows that ``report.md`` lists.

PageRank is computed here by power iteration (the same definition as
:func:`networkx.pagerank`, dangling nodes spread uniformly) because ``networkx.pagerank``
needs SciPy, which kg does not depend on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import unquote

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.model import ENTITY_KINDS, RELATIONS
from kg.vocab import KG

ENTITY_CLASSES: dict[URIRef, str] = {KG[kind]: kind for kind in ENTITY_KINDS}
RELATION_PROPERTIES: dict[URIRef, str] = {KG[relation]: relation for relation in RELATIONS}
SCORE_PROPERTIES = (KG.degree, KG.pagerank, KG.betweenness)
UNTYPED_KIND = "Entity"  # an endpoint of a relation that carries none of the entity classes


@dataclass(frozen=True)
class ActorScore:
    """How central one entity is in the entity graph."""

    iri: str
    label: str
    kind: str
    degree: int  # distinct neighbours, direction ignored
    pagerank: float  # on the directed graph, edges weighted by evidence
    betweenness: float  # normalised, direction ignored


@dataclass(frozen=True)
class RelationRow:
    """One direct relation ``agent → target`` with the mentions that support it."""

    agent_label: str
    relation: str
    target_label: str
    count: int
    evidence: list[dict[str, str]]
    agent: str  # IRI
    target: str  # IRI


def local_name(term: Node) -> str:
    """The readable tail of an IRI (after the last ``#`` or ``/``, percent-decoded).

    Examples
    --------
    >>> from kg.vocab import KG, entity_iri
    >>> local_name(KG.Person)
    'Person'
    >>> local_name(entity_iri("北朝鮮"))
    '北朝鮮'
    """
    text = str(term).rstrip("/#")
    return unquote(text.rsplit("#", 1)[-1].rsplit("/", 1)[-1])


def entity_graph(g: Graph) -> nx.MultiDiGraph:
    """The entities of ``g`` and the direct relations between them, with evidence.

    One node per entity (key: the IRI string; attributes ``label`` — the Japanese label,
    else the English one, else the IRI tail —, ``label_en``, ``kind`` and ``iri``), also
    for entities without relations.  One edge per direct triple
    ``?a kg:signed|kg:visited|kg:supplied|kg:condemned ?b`` (key and attribute
    ``relation``), whose ``evidence`` lists every event with that agent, relation and
    target as ``{sentence, doc_title, doc_date, source, modality, rule}`` and whose
    ``weight`` is the number of those mentions.  ``G.graph["documents"]`` is the number
    of ``kg:Document`` nodes.

    Examples
    --------
    >>> from rdflib import Graph, Literal
    >>> from rdflib.namespace import RDF, RDFS
    >>> from kg.vocab import KG, entity_iri, event_iri
    >>> g = Graph()
    >>> putin, nk = entity_iri("Vladimir_Putin"), entity_iri("North_Korea")
    >>> _ = g.add((putin, RDF.type, KG.Person)).add((nk, RDF.type, KG.State))
    >>> _ = g.add((putin, RDFS.label, Literal("プーチン", lang="ja")))
    >>> _ = g.add((putin, KG.visited, nk))
    >>> event = event_iri("doc1", 0)
    >>> for p, o in [(RDF.type, KG.Event), (KG.relation, KG.visited), (KG.agent, putin),
    ...              (KG.target, nk), (KG.evidence, Literal("プーチン氏が北朝鮮を訪問した。"))]:
    ...     _ = g.add((event, p, o))
    >>> G = entity_graph(g)
    >>> G.nodes[str(putin)]["label"], G.nodes[str(nk)]["label"], G.nodes[str(nk)]["kind"]
    ('プーチン', 'North_Korea', 'State')
    >>> [(d["relation"], d["weight"], d["evidence"][0]["sentence"]) for *_, d in G.edges(data=True)]
    [('visited', 1, 'プーチン氏が北朝鮮を訪問した。')]
    """
    evidence = _evidence_index(g)
    G = nx.MultiDiGraph()
    G.graph["documents"] = len(set(g.subjects(RDF.type, KG.Document)))
    triples = sorted(
        (
            (agent, RELATION_PROPERTIES[prop], target)
            for prop in RELATION_PROPERTIES
            for agent, target in g.subject_objects(prop)
            if not isinstance(target, Literal)
        ),
        key=lambda triple: (str(triple[0]), triple[1], str(triple[2])),
    )
    entities = {s for cls in ENTITY_CLASSES for s in g.subjects(RDF.type, cls)}
    entities.update(node for agent, _, target in triples for node in (agent, target))
    for entity in sorted(entities, key=str):
        G.add_node(str(entity), **_entity_attributes(g, entity))
    for agent, relation, target in triples:
        mentions = evidence.get((agent, relation, target), [])
        G.add_edge(
            str(agent),
            str(target),
            key=relation,
            relation=relation,
            evidence=mentions,
            weight=len(mentions),
        )
    return G


def centrality(G: nx.MultiDiGraph) -> list[ActorScore]:
    """Degree, PageRank and betweenness of every entity, most central (PageRank) first.

    Degree (distinct neighbours) and normalised betweenness are computed on the undirected
    simple graph; PageRank on the directed graph whose edge weights are the evidence counts
    (a relation without recorded evidence counts once).  Self-loops are ignored.  Ties are
    broken by degree, then label.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("a", {"label": "A", "kind": "Person"}), ("b", {"label": "B"}),
    ...                   ("c", {"label": "C"}), ("lonely", {"label": "L"})])
    >>> G.add_edge("a", "b", key="visited", weight=2)
    'visited'
    >>> G.add_edge("c", "b", key="condemned", weight=1)
    'condemned'
    >>> [(s.label, s.degree, s.betweenness) for s in centrality(G)]
    [('B', 2, 0.3333333333333333), ('A', 1, 0.0), ('C', 1, 0.0), ('L', 0, 0.0)]
    >>> round(sum(s.pagerank for s in centrality(G)), 6)
    1.0
    >>> centrality(nx.MultiDiGraph())
    []
    """
    if len(G) == 0:
        return []
    undirected = nx.Graph()
    undirected.add_nodes_from(G)
    undirected.add_edges_from((u, v) for u, v in G.edges() if u != v)
    betweenness = nx.betweenness_centrality(undirected)
    pagerank = _pagerank(_weighted_digraph(G))
    scores = [
        ActorScore(
            iri=node,
            label=attributes.get("label") or local_name(node),
            kind=attributes.get("kind", UNTYPED_KIND),
            degree=undirected.degree(node),
            pagerank=pagerank[node],
            betweenness=betweenness[node],
        )
        for node, attributes in G.nodes(data=True)
    ]
    return sorted(scores, key=lambda s: (-round(s.pagerank, 12), -s.degree, s.label, s.iri))


def add_scores(g: Graph, scores: list[ActorScore]) -> None:
    """Write ``kg:degree`` (xsd:integer), ``kg:pagerank`` and ``kg:betweenness`` (xsd:double).

    Old values on the scored entities are replaced, so SPARQL can ``ORDER BY`` them.

    Examples
    --------
    >>> from rdflib import Graph, Literal
    >>> from kg.vocab import KG, entity_iri, sparql_prefixes
    >>> g = Graph()
    >>> a, b = entity_iri("A"), entity_iri("B")
    >>> _ = g.add((a, KG.pagerank, Literal(0.9)))  # stale, from an earlier build
    >>> add_scores(g, [ActorScore(str(a), "A", "State", 1, 0.25, 0.0),
    ...                ActorScore(str(b), "B", "State", 1, 0.75, 0.0)])
    >>> rows = g.query(sparql_prefixes() + '''
    ...     SELECT ?e ?pr WHERE { ?e kg:pagerank ?pr } ORDER BY DESC(?pr)''')
    >>> [(local_name(e), float(pr)) for e, pr in rows]
    [('B', 0.75), ('A', 0.25)]
    >>> sorted((local_name(p), local_name(v.datatype)) for p, v in g.predicate_objects(a))
    [('betweenness', 'double'), ('degree', 'integer'), ('pagerank', 'double')]
    """
    for score in scores:
        entity = URIRef(score.iri)
        for prop in SCORE_PROPERTIES:
            g.remove((entity, prop, None))
        # rdflib types Python ints as xsd:integer and floats as xsd:double.
        g.add((entity, KG.degree, Literal(int(score.degree))))
        g.add((entity, KG.pagerank, Literal(float(score.pagerank))))
        g.add((entity, KG.betweenness, Literal(float(score.betweenness))))


def relation_table(g: Graph | nx.MultiDiGraph) -> list[RelationRow]:
    """Every direct relation with its evidence, grouped by relation type, best attested first.

    Accepts the rdflib graph, or the entity graph already built from it by
    :func:`entity_graph`.

    Examples
    --------
    >>> from rdflib import Graph
    >>> from kg.vocab import KG, entity_iri
    >>> g = Graph()
    >>> _ = g.add((entity_iri("Japan"), KG.condemned, entity_iri("North_Korea")))
    >>> _ = g.add((entity_iri("Russia"), KG.signed, entity_iri("Treaty")))
    >>> [(r.agent_label, r.relation, r.target_label, r.count) for r in relation_table(g)]
    [('Russia', 'signed', 'Treaty', 0), ('Japan', 'condemned', 'North_Korea', 0)]
    """
    G = g if isinstance(g, nx.MultiDiGraph) else entity_graph(g)
    rows = [
        RelationRow(
            agent_label=_node_label(G, agent),
            relation=data["relation"],
            target_label=_node_label(G, target),
            count=data["weight"],
            evidence=data["evidence"],
            agent=agent,
            target=target,
        )
        for agent, target, data in G.edges(data=True)
    ]
    order = {relation: index for index, relation in enumerate(RELATIONS)}
    return sorted(
        rows,
        key=lambda r: (order.get(r.relation, len(order)), -r.count, r.agent_label, r.target_label),
    )


def _node_label(G: nx.MultiDiGraph, node: str) -> str:
    return G.nodes[node].get("label") or local_name(node)


def _entity_attributes(g: Graph, entity: Node) -> dict[str, str | None]:
    labels = [*g.objects(entity, RDFS.label), *g.objects(entity, SKOS.prefLabel)]
    by_language: dict[str | None, list[str]] = defaultdict(list)
    for label in labels:
        if isinstance(label, Literal):
            by_language[label.language].append(str(label))
    label_ja = min(by_language["ja"], default=None)
    label_en = min(by_language["en"], default=None)
    untagged = min(by_language[None], default=None)
    kinds = [kind for cls, kind in ENTITY_CLASSES.items() if (entity, RDF.type, cls) in g]
    return {
        "label": label_ja or label_en or untagged or local_name(entity),
        "label_en": label_en,
        "kind": kinds[0] if kinds else UNTYPED_KIND,
        "iri": str(entity),
    }


def _evidence_index(g: Graph) -> dict[tuple[Node, str, Node], list[dict[str, str]]]:
    """Evidence dicts of every event, keyed by (agent, relation name, target)."""
    index: dict[tuple[Node, str, Node], list[dict[str, str]]] = defaultdict(list)
    for event in g.subjects(RDF.type, KG.Event):
        agent, target = g.value(event, KG.agent), g.value(event, KG.target)
        relation = g.value(event, KG.relation)
        if agent is None or target is None or relation is None:
            continue
        index[(agent, local_name(relation), target)].append(_evidence(g, event))
    for mentions in index.values():
        mentions.sort(key=lambda e: (e["doc_date"], e["doc_title"], e["sentence"]))
    return index


def _evidence(g: Graph, event: Node) -> dict[str, str]:
    document = g.value(event, PROV.wasDerivedFrom)
    modality = g.value(event, KG.modality)

    def of_document(prop: URIRef) -> str:
        value = g.value(document, prop) if document is not None else None
        return "" if value is None else str(value)

    return {
        "sentence": str(g.value(event, KG.evidence) or ""),
        "doc_title": of_document(DCTERMS.title),
        "doc_date": of_document(DCTERMS.date),
        "source": of_document(DCTERMS.source),
        "modality": local_name(modality) if modality is not None else "",
        "rule": str(g.value(event, KG.rule) or ""),
    }


def _weighted_digraph(G: nx.MultiDiGraph) -> nx.DiGraph:
    """Parallel edges merged; each relation counts its evidence (at least once)."""
    D = nx.DiGraph()
    D.add_nodes_from(G)
    for u, v, weight in G.edges(data="weight", default=1):
        if u == v:
            continue
        previous = D.edges[u, v]["weight"] if D.has_edge(u, v) else 0
        D.add_edge(u, v, weight=previous + max(1, weight))
    return D


def _pagerank(
    D: nx.DiGraph, alpha: float = 0.85, tol: float = 1.0e-12, max_iter: int = 1000
) -> dict[str, float]:
    """Weighted PageRank by power iteration, as ``networkx.pagerank`` defines it."""
    n = len(D)
    if n == 0:
        return {}
    out_weight = dict(D.out_degree(weight="weight"))
    rank = dict.fromkeys(D, 1.0 / n)
    for _ in range(max_iter):
        dangling = alpha * sum(rank[u] for u in D if out_weight[u] == 0) / n
        updated = dict.fromkeys(D, (1.0 - alpha) / n + dangling)
        for u, v, weight in D.edges(data="weight"):
            updated[v] += alpha * rank[u] * weight / out_weight[u]
        if sum(abs(updated[u] - rank[u]) for u in D) < n * tol:
            return updated
        rank = updated
    raise nx.PowerIterationFailedConvergence(max_iter)
