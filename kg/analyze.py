"""Network analysis of the finished knowledge graph: who is central, and on what evidence.

A reader of the rdflib graph that :mod:`kg.graph` built; it never mints IRIs.  The flow is
``entity_graph(g)`` → ``centrality(G)`` → ``add_scores(g, scores)``, and
``relation_table`` gives the rows that ``report.md`` lists.  On the same entity graph:
``communities`` (Louvain), ``signed_graph`` and ``blocs`` (signed, visited and supplied are
cooperative ties, condemned is hostile), ``find_entity`` and ``explained_path`` (the shortest
chain of relations between two named entities, each hop with its evidence) and ``timeline``
(every event by date).

PageRank is computed here by power iteration (the same definition as
:func:`networkx.pagerank`, dangling nodes spread uniformly) because ``networkx.pagerank``
needs SciPy, which kg does not depend on.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from urllib.parse import unquote

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.model import ENTITY_KINDS, FACT_MODALITIES, RELATIONS
from kg.vocab import KG

ENTITY_CLASSES: dict[URIRef, str] = {KG[kind]: kind for kind in ENTITY_KINDS}
RELATION_PROPERTIES: dict[URIRef, str] = {KG[relation]: relation for relation in RELATIONS}
SCORE_PROPERTIES = (KG.degree, KG.pagerank, KG.betweenness)
UNTYPED_KIND = "Entity"  # an endpoint of a relation that carries none of the entity classes
COOPERATIVE = frozenset({"signed", "visited", "supplied"})
HOSTILE = frozenset({"condemned"})

Event = dict[str, str]
"""One event as plain strings: ``event`` (IRI), ``agent``, ``target`` (IRIs), ``agent_label``,
``target_label``, ``relation``, ``modality``, ``rule``, ``sentence`` (the evidence),
``doc_title``, ``doc_date``, ``source``, ``date`` (the event's ``kg:date``, else its article's
date, else empty) and ``dated_by`` (``event``, ``article`` or empty)."""


class PathError(LookupError):
    """A name that names no entity or several, or two entities no relations connect."""


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
    """One direct relation ``agent → target`` with the mentions that support it.

    ``count`` and ``evidence`` are the supporting (asserted and reported) mentions;
    ``other`` the mentions of the same agent, relation and target in another modality
    (denied, negated, planned …), shown apart and never counted.
    """

    agent_label: str
    relation: str
    target_label: str
    count: int
    evidence: list[Event]
    agent: str  # IRI
    target: str  # IRI
    other: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class Bloc:
    """Entities on one side of the signed graph: tied by cooperation, or by common rivals."""

    members: tuple[str, ...]  # IRIs, most central (PageRank) first
    rivals: tuple[int, ...]  # indices, in the list blocs() returns, of the blocs it is hostile to
    strains: tuple[tuple[str, str], ...]  # hostile ties between two members (against balance)


@dataclass(frozen=True)
class Hop:
    """One step of an explained path and every relation, either way, that makes it."""

    start: str  # IRI of the entity the step leaves
    end: str  # IRI of the entity it reaches
    relations: tuple[RelationRow, ...]  # best attested first


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
    else the English one, else the IRI tail —, ``label_en``, ``kind``, ``iri`` and ``names``,
    every label and alias), also for entities without relations.  One edge per direct
    triple ``?a kg:signed|kg:visited|kg:supplied|kg:condemned ?b`` (key and attribute
    ``relation``), whose ``evidence`` lists the events (:data:`Event` dicts) with that
    agent, relation and target that support it (asserted or reported: :func:`supports`),
    whose ``weight`` is the number of those, and whose ``other`` lists the rest (denied,
    negated, planned …), which are never counted.
    ``G.graph["documents"]`` is the number of ``kg:Document`` nodes and ``G.graph["events"]``
    lists every event of any modality, also those no direct triple asserts.

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
    ...              (KG.target, nk), (KG.evidence, Literal("プーチン氏が北朝鮮を訪問した。")),
    ...              (KG.date, Literal("2024-06-19"))]:
    ...     _ = g.add((event, p, o))
    >>> G = entity_graph(g)
    >>> G.nodes[str(putin)]["label"], G.nodes[str(nk)]["label"], G.nodes[str(nk)]["kind"]
    ('プーチン', 'North_Korea', 'State')
    >>> [(d["relation"], d["weight"], d["evidence"][0]["sentence"]) for *_, d in G.edges(data=True)]
    [('visited', 1, 'プーチン氏が北朝鮮を訪問した。')]
    >>> [(e["agent_label"], e["relation"], e["date"]) for e in G.graph["events"]]
    [('プーチン', 'visited', '2024-06-19')]
    """
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
    G.graph["events"] = _events(g)
    evidence: dict[tuple[str, str, str], list[Event]] = defaultdict(list)
    for event in G.graph["events"]:
        evidence[(event["agent"], event["relation"], event["target"])].append(event)
    for agent, relation, target in triples:
        mentions = evidence.get((str(agent), relation, str(target)), [])
        support = [event for event in mentions if supports(event)]
        G.add_edge(
            str(agent),
            str(target),
            key=relation,
            relation=relation,
            evidence=support,
            other=[event for event in mentions if not supports(event)],
            weight=len(support),
        )
    return G


def supports(event: Event) -> bool:
    """Whether a mention supports its relation: asserted or reported (an event that
    states no modality, which kg never writes, is taken as asserted).

    >>> supports({"modality": "reported"}), supports({"modality": "denied"})
    (True, False)
    """
    return event.get("modality", "") in FACT_MODALITIES | {""}


EXACT_BETWEENNESS_MAX = 2000  # connected entities; above, betweenness is sampled
BETWEENNESS_SAMPLES = 500


def _betweenness(G: nx.Graph) -> dict[str, float]:
    """Normalised betweenness of every node of an undirected graph, computed on the nodes
    that have a neighbour (an isolated one lies on no path): exactly up to
    EXACT_BETWEENNESS_MAX of them, else estimated from BETWEENNESS_SAMPLES sources with a
    fixed seed (Brandes' sampling), so a corpus of thousands of articles stays quick and
    every build gives the same scores.

    >>> G = nx.path_graph(4)
    >>> G.add_node(9)
    >>> [round(v, 3) for v in _betweenness(G).values()]
    [0.0, 0.333, 0.333, 0.0, 0.0]
    """
    core = G.subgraph([n for n in G if G.degree(n) > 0])
    n, size = len(G), len(core)
    scores = dict.fromkeys(G, 0.0)
    if size < 3:
        return scores
    k = None if size <= EXACT_BETWEENNESS_MAX else BETWEENNESS_SAMPLES
    within = nx.betweenness_centrality(core, k=k, seed=0)
    rescale = ((size - 1) * (size - 2)) / ((n - 1) * (n - 2))  # as if normalised over all of G
    scores.update((node, value * rescale) for node, value in within.items())
    return scores


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
    betweenness = _betweenness(undirected)
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
            other=data.get("other", []),
        )
        for agent, target, data in G.edges(data=True)
    ]
    order = {relation: index for index, relation in enumerate(RELATIONS)}
    return sorted(
        rows,
        key=lambda r: (order.get(r.relation, len(order)), -r.count, r.agent_label, r.target_label),
    )


def communities(G: nx.MultiDiGraph, *, seed: int = 0) -> list[list[str]]:
    """Groups of entities more tied to each other than to the rest (Louvain, seeded).

    Runs :func:`networkx.community.louvain_communities` on the undirected graph whose edge
    weights are the evidence counts; entities without relations belong to no community.
    Largest community first; members most central (PageRank) first.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edges_from([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"),
    ...                       ("z", "x"), ("c", "x")], weight=1)
    >>> G.add_node("lonely")
    >>> communities(G)  # c → x passes rank to x's side
    [['x', 'y', 'z'], ['c', 'b', 'a']]
    >>> communities(nx.MultiDiGraph())
    []
    """
    U = _undirected_weighted(G)
    if U.number_of_edges() == 0:
        return []
    found = nx.community.louvain_communities(U, weight="weight", seed=seed)
    return _ranked_groups(G, found)


def modularity(G: nx.MultiDiGraph, groups: list[list[str]]) -> float:
    """How well ``groups`` split the related entities: near 0 weak, above 0.3 clear.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edges_from([("a", "b"), ("x", "y")], weight=1)
    >>> modularity(G, [["a", "b"], ["x", "y"]]), modularity(G, [])
    (0.5, 0.0)
    """
    U = _undirected_weighted(G)
    if U.number_of_edges() == 0 or not groups:
        return 0.0
    covered = [set(group) & set(U) for group in groups]
    rest = set(U) - set().union(*covered)
    parts = [part for part in [*covered, rest] if part]
    return float(nx.community.modularity(U, parts, weight="weight"))


def signed_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """The undirected signed view: cooperative (signed, visited, supplied) against hostile.

    One edge per pair of related entities with ``cooperative`` and ``hostile`` mention
    counts (each relation counts its evidence, at least once) and ``sign``: ``1`` when
    cooperation outweighs hostility, ``-1`` when hostility does, ``0`` for a tie.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("jp", "kp", key="condemned", relation="condemned", weight=2)
    >>> _ = G.add_edge("ru", "kp", key="visited", relation="visited", weight=1)
    >>> S = signed_graph(G)
    >>> S.edges["jp", "kp"]["sign"], S.edges["kp", "ru"]["sign"], S.edges["jp", "kp"]["hostile"]
    (-1, 1, 2)
    """
    S = nx.Graph()
    for agent, target, data in G.edges(data=True):
        if agent == target:
            continue
        if not S.has_edge(agent, target):
            S.add_edge(agent, target, cooperative=0, hostile=0)
        relation = data.get("relation", "")
        side = (
            "hostile" if relation in HOSTILE else "cooperative" if relation in COOPERATIVE else ""
        )
        if side:
            S.edges[agent, target][side] += max(1, data.get("weight", 1))
    for _, _, data in S.edges(data=True):
        balance = data["cooperative"] - data["hostile"]
        data["sign"] = (balance > 0) - (balance < 0)
    return S


def blocs(G: nx.MultiDiGraph) -> list[Bloc]:
    """The blocs the signed view implies: friends together, and the enemy of an enemy a friend.

    Entities joined by cooperative ties form clusters.  Where the clusters' hostile ties can
    be split two ways (a bipartite graph of clusters), the clusters on each side join one
    bloc (structural balance); otherwise each cluster stays a bloc of its own.  Largest bloc
    first; ``rivals`` are indices into the returned list.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for agent, relation, target in [("ru", "signed", "treaty"), ("kp", "signed", "treaty"),
    ...                                 ("us", "condemned", "treaty"), ("kr", "condemned", "kp")]:
    ...     _ = G.add_edge(agent, target, key=relation, relation=relation, weight=1)
    >>> [(sorted(b.members), b.rivals) for b in blocs(G)]
    [(['kp', 'ru', 'treaty'], (1,)), (['kr', 'us'], (0,))]
    """
    S = signed_graph(G)
    friends = nx.Graph()
    friends.add_nodes_from(S)
    friends.add_edges_from((u, v) for u, v, sign in S.edges(data="sign") if sign > 0)
    clusters = list(nx.connected_components(friends))
    cluster_of = {node: index for index, members in enumerate(clusters) for node in members}
    rivalry = nx.Graph()
    rivalry.add_nodes_from(range(len(clusters)))
    rivalry.add_edges_from(
        (cluster_of[u], cluster_of[v]) for u, v, sign in S.edges(data="sign") if sign < 0
    )
    rivalry.remove_edges_from(nx.selfloop_edges(rivalry))
    merged = [
        set().union(*(clusters[index] for index in side))
        for part in nx.connected_components(rivalry)
        for side in _sides(rivalry.subgraph(part))
    ]
    return _with_rivals(S, _ranked_groups(G, merged))


def _sides(rivalry: nx.Graph) -> list[set[int]]:
    """The two camps of a connected rivalry graph, or each cluster alone if no split holds."""
    if len(rivalry) > 1 and nx.is_bipartite(rivalry):
        return list(nx.bipartite.sets(rivalry))
    return [{index} for index in rivalry]


def find_entity(G: nx.MultiDiGraph, name: str) -> str:
    """The IRI of the one entity called ``name`` (label or alias, Japanese or English).

    Matching ignores case and width (NFKC); a name that is part of exactly one entity's
    names also counts.  :class:`PathError` says when nothing or several entities match and
    lists the candidates.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("ent/Putin", label="プーチン", names=["プーチン", "Vladimir Putin"])
    >>> G.add_node("ent/Kim", label="金正恩", names=["金正恩", "Kim Jong Un"])
    >>> G.add_node("ent/KimIlSung", label="金日成", names=["金日成"])
    >>> find_entity(G, "VLADIMIR putin"), find_entity(G, "ＰＵＴＩＮ"), find_entity(G, "正恩")
    ('ent/Putin', 'ent/Putin', 'ent/Kim')
    >>> find_entity(G, "金")
    Traceback (most recent call last):
    ...
    kg.analyze.PathError: '金' matches 2 entities: 金日成 (KimIlSung), 金正恩 (Kim)
    >>> find_entity(G, "プーチソ")
    Traceback (most recent call last):
    ...
    kg.analyze.PathError: no entity is called 'プーチソ'; did you mean: プーチン?
    """
    wanted = _fold(name)
    known = {
        node: {_fold(alias) for alias in [*(aliases or ()), local_name(node)]}
        for node, aliases in G.nodes(data="names")
    }
    found = sorted(node for node, folded in known.items() if wanted in folded)
    if not found and wanted:
        found = sorted(node for node, folded in known.items() if any(wanted in f for f in folded))
    if len(found) == 1:
        return found[0]
    if found:
        found.sort(key=lambda node: (_node_label(G, node), node))
        shown = ", ".join(f"{_node_label(G, n)} ({local_name(n)})" for n in found[:8])
        more = f" and {len(found) - 8} more" if len(found) > 8 else ""
        raise PathError(f"'{name}' matches {len(found)} entities: {shown}{more}")
    every_name = sorted({alias for _, aliases in G.nodes(data="names") for alias in aliases or ()})
    close = difflib.get_close_matches(name, every_name, n=5, cutoff=0.5)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise PathError(f"no entity is called '{name}'{hint}")


def explained_path(G: nx.MultiDiGraph, start: str, end: str) -> list[Hop]:
    """The shortest chain of relations from ``start`` to ``end`` (IRIs), each hop explained.

    Direction is ignored (a visit ties the visitor and the visited either way); among
    equally short chains the best attested wins.  Each :class:`Hop` carries every relation
    between its two entities with the evidence.  :class:`PathError` when none connects them.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("putin", {"label": "プーチン"}), ("kp", {"label": "北朝鮮"}),
    ...                   ("treaty", {"label": "条約"}), ("kim", {"label": "金正恩"})])
    >>> _ = G.add_edge("putin", "kp", key="visited", relation="visited", weight=2, evidence=[])
    >>> _ = G.add_edge("putin", "treaty", key="signed", relation="signed", weight=1, evidence=[])
    >>> _ = G.add_edge("kim", "treaty", key="signed", relation="signed", weight=1, evidence=[])
    >>> for hop in explained_path(G, "kp", "kim"):
    ...     print(*[(r.agent_label, r.relation, r.target_label) for r in hop.relations])
    ('プーチン', 'visited', '北朝鮮')
    ('プーチン', 'signed', '条約')
    ('金正恩', 'signed', '条約')
    >>> G.add_node("lonely", label="孤立")
    >>> explained_path(G, "kp", "lonely")
    Traceback (most recent call last):
    ...
    kg.analyze.PathError: no chain of relations links 北朝鮮 and 孤立
    """
    if start == end:
        return []
    U = _undirected_weighted(G)
    penalty = 1.0 / (len(G) + 1)  # < 1 over any path: fewer hops always win
    for _, _, data in U.edges(data=True):
        data["cost"] = 1.0 + penalty / (1 + data["weight"])
    try:
        nodes = nx.shortest_path(U, start, end, weight="cost")
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        raise PathError(
            f"no chain of relations links {_node_label(G, start)} and {_node_label(G, end)}"
        ) from None
    between: dict[frozenset[str], list[RelationRow]] = defaultdict(list)
    for row in relation_table(G):
        between[frozenset((row.agent, row.target))].append(row)
    return [
        Hop(a, b, tuple(sorted(between[frozenset((a, b))], key=lambda r: -r.count)))
        for a, b in pairwise(nodes)
    ]


def timeline(G: nx.MultiDiGraph) -> list[Event]:
    """Every event of the entity graph (any modality) by date, earliest first; undated last.

    The date is the event's own ``kg:date`` (a day or a month), else its article's date.

    Examples
    --------
    >>> G = nx.MultiDiGraph(events=[
    ...     {"date": "2024-06-19", "sentence": "b", "doc_title": "t"},
    ...     {"date": "", "sentence": "c", "doc_title": "t"},
    ...     {"date": "2023-10", "sentence": "a", "doc_title": "t"}])
    >>> [e["sentence"] for e in timeline(G)]
    ['a', 'b', 'c']
    """
    events = G.graph.get("events", [])
    return sorted(events, key=lambda e: (not e["date"], e["date"], e["doc_title"], e["sentence"]))


def _node_label(G: nx.MultiDiGraph, node: str) -> str:
    return G.nodes[node].get("label") or local_name(node)


def _entity_attributes(g: Graph, entity: Node) -> dict[str, str | list[str] | None]:
    labels = [*g.objects(entity, RDFS.label), *g.objects(entity, SKOS.prefLabel)]
    by_language: dict[str | None, list[str]] = defaultdict(list)
    for label in labels:
        if isinstance(label, Literal):
            by_language[label.language].append(str(label))
    label_ja = min(by_language["ja"], default=None)
    label_en = min(by_language["en"], default=None)
    untagged = min(by_language[None], default=None)
    kinds = [kind for cls, kind in ENTITY_CLASSES.items() if (entity, RDF.type, cls) in g]
    aliases = [str(alias) for alias in g.objects(entity, SKOS.altLabel)]
    return {
        "label": label_ja or label_en or untagged or local_name(entity),
        "label_en": label_en,
        "kind": kinds[0] if kinds else UNTYPED_KIND,
        "iri": str(entity),
        "names": sorted({*map(str, labels), *aliases}),
    }


def _events(g: Graph) -> list[Event]:
    """Every event with an agent, a relation and a target, ordered by article date."""
    labels: dict[Node, str] = {}

    def label(entity: Node) -> str:
        if entity not in labels:
            labels[entity] = str(_entity_attributes(g, entity)["label"])
        return labels[entity]

    events = []
    for event in g.subjects(RDF.type, KG.Event):
        agent, target = g.value(event, KG.agent), g.value(event, KG.target)
        relation = g.value(event, KG.relation)
        if agent is None or target is None or relation is None:
            continue
        record = {
            "event": str(event),
            "agent": str(agent),
            "agent_label": label(agent),
            "relation": local_name(relation),
            "target": str(target),
            "target_label": label(target),
        }
        events.append(record | _evidence(g, event))
    return sorted(events, key=lambda e: (e["doc_date"], e["doc_title"], e["sentence"], e["event"]))


def _evidence(g: Graph, event: Node) -> dict[str, str]:
    document = g.value(event, PROV.wasDerivedFrom)
    modality = g.value(event, KG.modality)

    def of_document(prop: URIRef) -> str:
        value = g.value(document, prop) if document is not None else None
        return "" if value is None else str(value)

    own_date = str(g.value(event, KG.date) or "")
    doc_date = of_document(DCTERMS.date)
    return {
        "sentence": str(g.value(event, KG.evidence) or ""),
        "doc_title": of_document(DCTERMS.title),
        "doc_date": doc_date,
        "source": of_document(DCTERMS.source),
        "modality": local_name(modality) if modality is not None else "",
        "rule": str(g.value(event, KG.rule) or ""),
        "date": own_date or doc_date,
        "dated_by": "event" if own_date else "article" if doc_date else "",
    }


def _undirected_weighted(G: nx.MultiDiGraph) -> nx.Graph:
    """Related entities only; a pair's weight sums its relations' evidence (each at least 1)."""
    U = nx.Graph()
    for u, v, weight in G.edges(data="weight", default=1):
        if u == v:
            continue
        previous = U.edges[u, v]["weight"] if U.has_edge(u, v) else 0
        U.add_edge(u, v, weight=previous + max(1, weight))
    return U


def _ranked_groups(G: nx.MultiDiGraph, groups: list[set[str]]) -> list[list[str]]:
    """Each group most central first; the largest group first, then the most central."""
    rank = _pagerank(_weighted_digraph(G))

    def order(node: str) -> tuple[float, str, str]:
        return (-round(rank[node], 12), _node_label(G, node), node)

    ranked = [sorted(group, key=order) for group in groups if group]
    return sorted(ranked, key=lambda members: (-len(members), order(members[0])))


def _with_rivals(S: nx.Graph, groups: list[list[str]]) -> list[Bloc]:
    group_of = {node: index for index, members in enumerate(groups) for node in members}
    rivals: dict[int, set[int]] = defaultdict(set)
    strains: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for u, v, sign in S.edges(data="sign"):
        if sign >= 0:
            continue
        a, b = group_of[u], group_of[v]
        if a == b:
            strains[a].append(tuple(sorted((u, v))))
        else:
            rivals[a].add(b)
            rivals[b].add(a)
    return [
        Bloc(tuple(members), tuple(sorted(rivals[index])), tuple(sorted(strains[index])))
        for index, members in enumerate(groups)
    ]


def _fold(name: str) -> str:
    """A name as matching sees it: NFKC, case-folded, single spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().casefold()


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
