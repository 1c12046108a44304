"""Precision, recall and F1 of a built graph against a hand-written gold set.

A fact is (document file name, agent, relation, target).  Predictions are the graph's
event nodes whose modality supports a direct triple (asserted, reported); the same fact
stated several times in one document counts once.  Gold facts marked ``implied`` are
left out unless ``include_implied`` is set.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from rdflib import Graph

from kg.model import RELATIONS
from kg.vocab import ENT, sparql_prefixes

Fact = tuple[str, str, str, str]  # document, agent, relation, target


@dataclass(frozen=True)
class Score:
    relation: str
    gold: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    scores: list[Score]
    misses: list[Fact] = field(default_factory=list)
    false_positives: list[Fact] = field(default_factory=list)
    evidence: dict[Fact, str] = field(default_factory=dict)

    def overall(self) -> Score:
        return next(s for s in self.scores if s.relation == "overall")

    def of(self, relation: str) -> Score:
        return next(s for s in self.scores if s.relation == relation)


def read_gold(path: Path, include_implied: bool = False) -> dict[Fact, str]:
    """Gold facts with their evidence sentence, from a JSON Lines file."""
    facts: dict[Fact, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            fact = (row["doc"], _key(row["agent"]), row["relation"], _key(row["target"]))
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise ValueError(f"{path}:{number}: not a gold fact ({err})") from err
        if row.get("implied") and not include_implied:
            continue
        facts.setdefault(fact, row.get("evidence", ""))
    return facts


def _key(entity_id: str) -> str:
    """Ids compare without the class prefix minted ids carry (person/キム → キム)."""
    return entity_id.rpartition("/")[2]


_FACT_QUERY = (
    sparql_prefixes()
    + """
SELECT ?source ?agent ?relation ?target ?evidence WHERE {
  ?e a kg:Event ; kg:agent ?agent ; kg:target ?target ; kg:relation ?relation ;
     kg:modality ?m ; kg:evidence ?evidence ; prov:wasDerivedFrom ?d .
  ?d dcterms:source ?source .
  FILTER(?m IN (kg:asserted, kg:reported))
}"""
)


def _fact_rows(graph: Graph) -> list[tuple[Fact, str]]:
    """Every fact-bearing event mention: (document, agent, relation, target) and sentence."""
    return [
        (
            (str(r.source), _local(r.agent), str(r.relation).rpartition("#")[2], _local(r.target)),
            str(r.evidence),
        )
        for r in graph.query(_FACT_QUERY)
    ]


def predicted_facts(graph: Graph) -> dict[Fact, str]:
    """The graph's facts per document, with one evidence sentence each."""
    facts: dict[Fact, str] = {}
    for fact, evidence in _fact_rows(graph):
        facts.setdefault(fact, evidence)
    return facts


def _local(iri: object) -> str:
    return _key(unquote(str(iri).removeprefix(str(ENT))))


def evaluate(
    gold: dict[Fact, str], predicted: dict[Fact, str], documents: Iterable[str] | None = None
) -> Evaluation:
    """Score predictions against gold, restricted to the gold's documents."""
    docs = set(documents) if documents is not None else {f[0] for f in gold}
    predicted = {f: s for f, s in predicted.items() if f[0] in docs}
    scores = []
    for relation in (*RELATIONS, "overall"):
        g = {f for f in gold if relation in ("overall", f[2])}
        p = {f for f in predicted if relation in ("overall", f[2])}
        scores.append(Score(relation, len(g), len(p), len(g & p)))
    return Evaluation(
        scores=scores,
        misses=sorted(set(gold) - set(predicted)),
        false_positives=sorted(set(predicted) - set(gold)),
        evidence={**predicted, **gold},
    )


def negative_violations(graph: Graph, path: Path) -> list[tuple[Fact, str]]:
    """Statements a negatives file says must not become facts, found as facts anyway.

    A negative matches a predicted fact of the same (document, agent, relation, target)
    read from the same sentence.
    """
    facts = _fact_rows(graph)
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        key = (row["doc"], _key(row["agent"]), row["relation"], _key(row["target"]))
        sentence = row.get("evidence", "")
        for fact, evidence in facts:
            if fact == key and sentence and (sentence in evidence or evidence in sentence):
                found.append((fact, evidence))
    return found


# --- Real-news gold (../shared/realnews/GUIDELINES.md) ---------------------------------
#
# One JSON object: ``entities`` (a key → every spelling of the entity, ``re:`` for a
# regular expression), ``required`` / ``optional`` / ``forbidden`` facts ``[agent,
# relation, target, file]`` or lists of alternatives, ``documents``.  Scored over the
# graph as a whole: a graph node matches an entity when one of its labels equals one of
# the entity's names (NFKC, spaces ignored) or matches one of its patterns; an agreement
# node also matches a name its label ends with.  A required item is hit when a direct
# triple matches one of its alternatives; a triple matching an optional fact is neither
# right nor wrong; any other triple is a false positive, and a forbidden one is named.

GoldFact = tuple[str, str, str, str]  # agent key, relation, target key, file
Triple = tuple[str, str, str]  # agent node IRI, relation, target node IRI
_SPACES = re.compile(r"\s+")


def normalize_name(text: str) -> str:
    """A name as gold and graph labels are compared: NFKC, no spaces.

    >>> normalize_name("ナンシー ・ペロシ"), normalize_name("ＵＮ")
    ('ナンシー・ペロシ', 'UN')
    """
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Names:
    """Every spelling of one gold entity."""

    exact: frozenset[str]
    patterns: tuple[re.Pattern, ...]

    def match(self, label: str, agreement: bool) -> bool:
        label = normalize_name(label)
        if label in self.exact or any(p.search(label) for p in self.patterns):
            return True
        return agreement and any(len(n) >= 2 and label.endswith(n) for n in self.exact)


@dataclass
class RealGold:
    entities: dict[str, Names]
    required: list[tuple[GoldFact, ...]]
    optional: list[tuple[GoldFact, ...]]
    forbidden: list[tuple[GoldFact, ...]]
    documents: tuple[str, ...]


def is_realnews_gold(path: Path) -> bool:
    """Whether ``path`` holds real-news gold (one JSON object), not JSON Lines facts."""
    if path.suffix.lower() == ".jsonl":
        return False
    text = path.read_text(encoding="utf-8")
    return text.lstrip().startswith("{") and '"required"' in text


def read_realnews_gold(path: Path) -> RealGold:
    """Read real-news gold; ValueError naming what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entities = {key: _names(names) for key, names in data["entities"].items()}
        kinds = {
            k: [_item(i) for i in data.get(k) or ()] for k in ("required", "optional", "forbidden")
        }
    except (json.JSONDecodeError, KeyError, TypeError, re.error) as err:
        raise ValueError(f"{path}: not real-news gold ({err})") from err
    unknown = {
        key for items in kinds.values() for item in items for f in item for key in (f[0], f[2])
    } - set(entities)
    if unknown:
        raise ValueError(f"{path}: facts name entities it does not define: {sorted(unknown)[:5]}")
    documents = tuple(data.get("documents") or sorted({f[3] for i in kinds["required"] for f in i}))
    return RealGold(entities, kinds["required"], kinds["optional"], kinds["forbidden"], documents)


def _names(names: list[str]) -> Names:
    exact = frozenset(normalize_name(n) for n in names if not n.startswith("re:"))
    patterns = tuple(re.compile(n[3:]) for n in names if n.startswith("re:"))
    return Names(exact, patterns)


def _item(item: list) -> tuple[GoldFact, ...]:
    """A gold item as its alternatives: one fact, or a list of facts."""
    facts = item if item and isinstance(item[0], list) else [item]
    out = []
    for fact in facts:
        agent, relation, target, document = fact
        if relation not in RELATIONS:
            raise TypeError(f"unknown relation {relation!r}")
        out.append((str(agent), str(relation), str(target), str(document)))
    return tuple(out)


@dataclass(frozen=True)
class EventRow:
    """One fact-bearing event mention behind a direct triple."""

    document: str
    evidence: str
    rule: str
    modality: str


@dataclass
class RealScore:
    """Recall over gold items, precision over the graph's triples."""

    relation: str
    items: int = 0
    hits: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def recall(self) -> float:
        return self.hits / self.items if self.items else 0.0

    precision = Score.precision
    f1 = Score.f1


@dataclass
class RealEvaluation:
    scores: dict[str, RealScore]  # per relation and "overall"
    articles: dict[str, RealScore]  # per gold document
    misses: list[tuple[GoldFact, ...]]
    false_positives: list[tuple[Triple, str, str, list[EventRow]]]  # triple, labels, rows
    forbidden: list[tuple[GoldFact, Triple, list[EventRow]]]
    texts: dict[str, str]  # document file → cleaned text (from the graph's NIF contexts)


_TRIPLE_QUERY = (
    sparql_prefixes()
    + """
SELECT ?agent ?relation ?target ?source ?evidence ?rule ?m WHERE {
  ?e a kg:Event ; kg:agent ?agent ; kg:target ?target ; kg:relation ?relation ;
     kg:modality ?m ; kg:evidence ?evidence ; kg:rule ?rule ; prov:wasDerivedFrom ?d .
  ?d dcterms:source ?source .
  FILTER(?m IN (kg:asserted, kg:reported))
}"""
)
_LABEL_QUERY = (
    sparql_prefixes()
    + """
SELECT ?node ?label ?class WHERE {
  ?node a ?class . FILTER(?class IN (kg:Person, kg:State, kg:Organization, kg:Place, kg:Agreement))
  { ?node rdfs:label ?label } UNION { ?node skos:prefLabel ?label }
  UNION { ?node skos:altLabel ?label }
}"""
)
_TEXT_QUERY = (
    sparql_prefixes()
    + "SELECT ?source ?text WHERE "
    + "{ ?d dcterms:source ?source ; kg:context ?c . ?c nif:isString ?text }"
)


def evaluate_realnews(gold: RealGold, graph: Graph) -> RealEvaluation:
    """Score a graph against real-news gold (see the comment above)."""
    triples: dict[Triple, list[EventRow]] = defaultdict(list)
    documents = set(gold.documents)
    for row in graph.query(_TRIPLE_QUERY):
        if str(row.source) not in documents:
            continue
        triple = (str(row.agent), str(row.relation).rpartition("#")[2], str(row.target))
        triples[triple].append(
            EventRow(str(row.source), str(row.evidence), str(row.rule), _local_name(row.m))
        )
    keys = _node_keys(graph, gold)
    labels = _node_labels(graph)
    scores = {r: RealScore(r) for r in (*RELATIONS, "overall")}
    articles = {d: RealScore(d) for d in gold.documents}
    for item in gold.required:
        for relation in (item[0][1], "overall"):
            scores[relation].items += 1
        articles.setdefault(item[0][3], RealScore(item[0][3])).items += 1

    def matches(triple: Triple, fact: GoldFact) -> bool:
        agent, relation, target = triple
        return (
            relation == fact[1]
            and fact[0] in keys.get(agent, ())
            and fact[2] in keys.get(target, ())
        )

    hit_items: set[int] = set()
    false_positives, forbidden = [], []
    for triple, rows in sorted(triples.items()):
        hits = [n for n, item in enumerate(gold.required) if any(matches(triple, f) for f in item)]
        optional = any(matches(triple, f) for item in gold.optional for f in item)
        banned = [f for item in gold.forbidden for f in item if matches(triple, f)]
        if not hits and optional and not banned:
            continue  # costs nothing, gains nothing
        correct = bool(hits)
        hit_items.update(hits)
        for relation in (triple[1], "overall"):
            scores[relation].predicted += 1
            scores[relation].correct += correct
        for document in {row.document for row in rows}:
            article = articles.setdefault(document, RealScore(document))
            article.predicted += 1
            article.correct += correct
        if not correct:
            false_positives.append(
                (triple, labels.get(triple[0], triple[0]), labels.get(triple[2], triple[2]), rows)
            )
            forbidden.extend((fact, triple, rows) for fact in banned)
    misses = []
    for n, item in enumerate(gold.required):
        if n in hit_items:
            for relation in (item[0][1], "overall"):
                scores[relation].hits += 1
            articles[item[0][3]].hits += 1
        else:
            misses.append(item)
    texts = {str(r.source): str(r.text) for r in graph.query(_TEXT_QUERY)}
    return RealEvaluation(scores, articles, misses, false_positives, forbidden, texts)


def _node_keys(graph: Graph, gold: RealGold) -> dict[str, set[str]]:
    """Every entity node of the graph → the gold entities it matches."""
    found: dict[str, set[str]] = defaultdict(set)
    for row in graph.query(_LABEL_QUERY):
        node, label = str(row.node), str(row.label)
        agreement = str(row["class"]).endswith("#Agreement")
        for key, names in gold.entities.items():
            if names.match(label, agreement):
                found[node].add(key)
    return found


def _node_labels(graph: Graph) -> dict[str, str]:
    labels: dict[str, str] = {}
    for row in graph.query(_LABEL_QUERY):
        labels.setdefault(str(row.node), str(row.label))
    return labels


def _local_name(iri: object) -> str:
    return str(iri).rpartition("#")[2]


def sentences_naming(text: str, names: list[Names], limit: int = 3) -> list[str]:
    """The sentences of ``text`` that name one of the entities of each group in ``names``
    (a miss's agent and target), at most ``limit``, best first."""
    sentences = [s for s in re.split(r"(?<=[。！？\n])", text) if s.strip()]
    scored = []
    for sentence in sentences:
        normal = normalize_name(sentence)
        found = sum(any(_names_in(n, normal)) for n in names)
        if found:
            scored.append((-found, sentences.index(sentence), sentence.strip()))
    return [s for _, _, s in sorted(scored)[:limit]]


def _names_in(names: Names, text: str) -> Iterable[bool]:
    yield from (len(n) >= 2 and n in text for n in names.exact)
    yield from (bool(re.search(p.pattern.removesuffix("$"), text)) for p in names.patterns)
