"""``python -m kg.bench audit``: how much a build finds, and how precise a random sample of it is.

Reads a build's graph (``-g``, default ``out/``) and prints

1. facts per 100 articles, per relation: direct triples (distinct agent, relation,
   target) and the asserted and reported event mentions behind them;
2. a random sample of the mentions that make the graph's facts (asserted or reported:
   what a direct triple asserts; ``--sample``, fixed ``--seed``), each with its evidence
   sentence, rule and document, to be judged by hand;
3. with ``--judged FILE`` (JSON Lines written by ``--write``, one object a mention with
   ``"judgment": "correct"``, ``"wrong"`` or ``"optional"`` filled in by a person reading
   the evidence), the precision the judgments give, per relation and overall, and which
   sampled mentions are still unjudged.  ``optional`` is the guideline's kind of fact
   that costs nothing either way (a weaker verb such as 懸念, a pledge, 現地 as the only
   place): as ``kg eval`` does with optional gold facts, it counts neither as correct nor
   as wrong, and is reported apart.

The sample is drawn from the mentions sorted by their IRIs, so the same graph and seed
give the same sample.

Example::

    kg build wikinews_ja.jsonl -o wn -j 2
    python -m kg.bench audit -g wn --sample 100 --seed 7 --write audit.jsonl
    # judge each line by hand, then:
    python -m kg.bench audit -g wn --sample 100 --seed 7 --judged audit.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from kg.model import RELATIONS

_QUERY = """
PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?event ?relation ?agent ?target ?modality ?evidence ?rule ?doc ?identifier
       (SAMPLE(?al) AS ?agent_label) (SAMPLE(?tl) AS ?target_label) WHERE {
  ?event a kg:Event ; kg:relation ?relation ; kg:agent ?agent ; kg:target ?target ;
         kg:modality ?modality ; kg:evidence ?evidence ; kg:rule ?rule ;
         prov:wasDerivedFrom ?doc .
  OPTIONAL { ?doc dcterms:identifier ?identifier }
  OPTIONAL { ?agent rdfs:label ?al FILTER(lang(?al) = "ja") }
  OPTIONAL { ?target rdfs:label ?tl FILTER(lang(?tl) = "ja") }
}
GROUP BY ?event ?relation ?agent ?target ?modality ?evidence ?rule ?doc ?identifier
"""
VERDICTS = ("correct", "wrong", "optional")
_DOCUMENTS = (
    "PREFIX kg: <https://w3id.org/kg/ns#> SELECT (COUNT(?d) AS ?n) WHERE { ?d a kg:Document }"
)


def mentions(store) -> list[dict]:
    """Every event mention of the graph as a plain record, sorted by event IRI."""
    rows = []
    for row in store.query(_QUERY):
        rows.append(
            {
                "event": row["event"].value,
                "relation": row["relation"].value.rpartition("#")[2],
                "agent": row["agent"].value,
                "target": row["target"].value,
                "agent_label": row["agent_label"].value if row["agent_label"] else "",
                "target_label": row["target_label"].value if row["target_label"] else "",
                "modality": row["modality"].value.rpartition("#")[2],
                "evidence": row["evidence"].value,
                "rule": row["rule"].value,
                "document": row["identifier"].value if row["identifier"] else row["doc"].value,
            }
        )
    return sorted(rows, key=lambda r: r["event"])


def main(argv: Sequence[str]) -> int:
    args = _arguments(argv)
    from kg.store import open_store

    try:
        store = open_store(args.graph)
    except Exception as problem:  # noqa: BLE001 - one line, whatever the reader raised
        print(f"error: {problem}", file=sys.stderr)
        return 1
    documents = int(next(iter(store.query(_DOCUMENTS)))["n"].value)
    rows = mentions(store)
    _print_volume(rows, documents)
    facts = [r for r in rows if r["modality"] in ("asserted", "reported")]
    sample = random.Random(args.seed).sample(facts, min(args.sample, len(facts)))
    if args.write:
        try:
            _write_template(args.write, sample, args.seed)
        except OSError as problem:
            print(f"error: cannot write {args.write}: {problem.strerror}", file=sys.stderr)
            return 1
        print(f"\nwrote {len(sample)} mentions to judge to {args.write}")
    if args.judged:
        return _print_precision(args.judged, sample)
    if not args.write:
        for n, row in enumerate(sample, 1):
            fact = f"{row['agent_label']} {row['relation']} {row['target_label']}"
            print(f"\n{n:3}. {fact}  [{row['rule']}]")
            print(f"     {row['document']}: {row['evidence']}")
    return 0


def _print_volume(rows: list[dict], documents: int) -> None:
    facts = {
        (r["agent"], r["relation"], r["target"])
        for r in rows
        if r["modality"] in ("asserted", "reported")
    }
    triples = Counter(relation for _, relation, _ in facts)
    supporting = Counter(r["relation"] for r in rows if r["modality"] in ("asserted", "reported"))
    other = Counter(r["relation"] for r in rows if r["modality"] not in ("asserted", "reported"))
    per = 100 / documents if documents else 0.0
    print(f"{documents:,} articles")
    columns = ("triples", "/100 art.", "mentions", "/100 art.", "not facts")
    print(f"{'relation':<10} " + " ".join(f"{c:>10}" for c in columns))
    for relation in (*RELATIONS, None):
        t = triples[relation] if relation else sum(triples.values())
        m = supporting[relation] if relation else sum(supporting.values())
        o = other[relation] if relation else sum(other.values())
        print(
            f"{relation or 'all':<10} {t:>10,} {t * per:>10.1f} {m:>10,} {m * per:>10.1f} {o:>10,}"
        )


def _write_template(path: Path, sample: list[dict], seed: int) -> None:
    lines = [json.dumps({**row, "judgment": "", "note": ""}, ensure_ascii=False) for row in sample]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _read_judged(path: Path) -> dict[str, dict]:
    """The judgments of a file ``--write`` made, by event IRI; ValueError in one line."""
    judged = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as problem:
        raise ValueError(f"cannot read {path}: {problem}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as problem:
            raise ValueError(f"{path}:{number}: not JSON ({problem.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("event"), str):
            raise ValueError(f"{path}:{number}: not a mention with an event IRI")
        if row.get("judgment") not in (*VERDICTS, "", None):
            raise ValueError(f"{path}:{number}: judgment must be one of {', '.join(VERDICTS)}")
        judged[row["event"]] = row
    return judged


def _print_precision(path: Path, sample: list[dict]) -> int:
    try:
        judged = _read_judged(path)
    except ValueError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    counts: dict[str, Counter] = {}
    missing = 0
    for row in sample:
        verdict = judged.get(row["event"], {}).get("judgment")
        if verdict not in VERDICTS:
            missing += 1
            continue
        for key in (row["relation"], "overall"):
            counts.setdefault(key, Counter())[verdict] += 1
    print(f"\njudged {len(sample) - missing} of {len(sample)} sampled mentions ({path})")
    for key in (*RELATIONS, "overall"):
        c = counts.get(key, Counter())
        total = c["correct"] + c["wrong"]
        share = f"{c['correct'] / total:.3f}" if total else "—"
        optional = f"  ({c['optional']} optional, not counted)" if c["optional"] else ""
        print(f"{key:<10} {c['correct']:>3} correct of {total:>3}  precision {share}{optional}")
    return 0 if not missing else 1


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m kg.bench audit",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-g", "--graph", type=Path, default=Path("out"), help="build folder or .ttl"
    )
    parser.add_argument("--sample", type=int, default=100, help="mentions to draw (default 100)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the draw (default 7)")
    parser.add_argument("--write", type=Path, help="write the sample as JSON Lines to judge")
    parser.add_argument("--judged", type=Path, help="judgments (JSON Lines) to score")
    return parser.parse_args(list(argv))
