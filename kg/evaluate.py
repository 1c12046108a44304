"""Precision, recall and F1 of a built graph against a hand-written gold set.

A fact is (document file name, agent, relation, target).  Predictions are the graph's
event nodes whose modality supports a direct triple (asserted, reported); the same fact
stated several times in one document counts once.  Gold facts marked ``implied`` are
left out unless ``include_implied`` is set.
"""

from __future__ import annotations

import json
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
