"""``python -m kg.bench ner``: kg's entity layer against raw GiNZA on a Japanese NER gold.

The gold is stockmark's ner-wikipedia-dataset (5,343 Wikipedia sentences, CC BY-SA 3.0;
github.com/stockmarkteam/ner-wikipedia-dataset), one JSON list of
``{"text", "entities": [{"name", "span": [start, end], "type"}]}``.  Every sentence is
parsed once with kg's GiNZA pipeline (the parses are cached like a build's), then scored
twice on the same parse:

* **kg**: the entity layer exactly as ``kg build`` runs it (:func:`kg.entities.find_mentions`
  and the article resolver); the mentions scored are those kg records in the graph as
  ``nif:Phrase`` mentions (:func:`kg.resolve.named_mentions`), with their resolved class;
* **GiNZA**: ``doc.ents``, each label mapped to a class through ``ontology/ne_labels.yaml``.

Classes map to the gold's types as Person ↔ 人名, State and Place ↔ 地名, Organization ↔
法人名, 政治的組織名 and その他の組織名.  施設名, 製品名 and イベント名 have no kg class: they
are left out, and so is any prediction that overlaps one of them.  Scores are given per
type and micro-averaged, for exact spans (same start, end and type) and for overlapping
spans (same type, one-to-one), on all sentences and on the news-like subset (sentences
holding a 政治的組織名 or a country's name).

Example::

    python -m kg.bench ner                                 # ../shared/ner/ner-wikipedia.json
    python -m kg.bench ner data/ner.json --errors 40       # and 40 of kg's errors per kind
    python -m kg.bench ner --limit 500 --no-cache
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATA = Path("../shared/ner/ner-wikipedia.json")
TYPES = ("人名", "地名", "組織名")
GOLD_TYPES = {
    "人名": "人名",
    "地名": "地名",
    "法人名": "組織名",
    "政治的組織名": "組織名",
    "その他の組織名": "組織名",
}
IGNORED_TYPES = frozenset({"施設名", "製品名", "イベント名"})
KG_TYPES = {"Person": "人名", "State": "地名", "Place": "地名", "Organization": "組織名"}

Span = tuple[int, int, str]  # start, end, coarse type


@dataclass(frozen=True)
class Sentence:
    text: str
    gold: tuple[Span, ...]
    ignored: tuple[tuple[int, int], ...]  # spans of types kg has no class for
    news: bool  # holds a 政治的組織名 or a country's name


@dataclass
class Tally:
    """Counts for one system, one matching, one subset: per type, then micro."""

    gold: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)

    def add(self, gold: Iterable[Span], predicted: Iterable[Span], overlap: bool) -> None:
        gold, predicted = list(gold), list(predicted)
        self.gold.update(t for _, _, t in gold)
        self.predicted.update(t for _, _, t in predicted)
        self.correct.update(t for _, _, t in matched(gold, predicted, overlap))

    def prf(self, kind: str | None = None) -> tuple[float, float, float]:
        pick = (lambda c: c[kind]) if kind else (lambda c: sum(c.values()))
        g, p, c = pick(self.gold), pick(self.predicted), pick(self.correct)
        precision = c / p if p else 0.0
        recall = c / g if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def matched(gold: list[Span], predicted: list[Span], overlap: bool) -> list[Span]:
    """The gold spans a prediction of the same type hits: exactly, or overlapping (each
    gold and each prediction used once).

    >>> matched([(0, 3, "地名")], [(0, 3, "地名"), (0, 2, "地名")], overlap=False)
    [(0, 3, '地名')]
    >>> matched([(0, 3, "地名")], [(1, 5, "地名")], overlap=True)
    [(0, 3, '地名')]
    >>> matched([(0, 3, "地名")], [(0, 3, "人名")], overlap=True)
    []
    """
    if not overlap:
        return sorted(set(gold) & set(predicted))
    free = list(predicted)
    hits = []
    for g in gold:
        for p in free:
            if p[2] == g[2] and p[0] < g[1] and g[0] < p[1]:
                hits.append(g)
                free.remove(p)
                break
    return hits


def read_gold(path: Path, gazetteer) -> list[Sentence]:
    """The dataset's sentences with their gold spans mapped to the three types."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    sentences = []
    for row in rows:
        gold, ignored, news = [], [], False
        for entity in row["entities"]:
            start, end = entity["span"]
            kind = entity["type"]
            if kind in IGNORED_TYPES:
                ignored.append((start, end))
                continue
            if kind not in GOLD_TYPES:
                continue
            gold.append((start, end, GOLD_TYPES[kind]))
            if kind == "政治的組織名" or kind == "地名" and _is_state(entity["name"], gazetteer):
                news = True
        sentences.append(Sentence(row["text"], tuple(gold), tuple(ignored), news))
    return sentences


def _is_state(name: str, gazetteer) -> bool:
    entity_id = gazetteer.lookup(name)
    return entity_id is not None and gazetteer.entries[entity_id].kind == "State"


def parse_all(texts: list[str], cache_dir: Path | None) -> list:
    """Every sentence parsed once with kg's pipeline; the parses are kept in the cache."""
    from kg.cache import Cache, parse_key
    from kg.nlp import docs_from_bytes, docs_to_bytes, load_nlp, model_version

    cache = Cache(cache_dir) if cache_dir is not None and not Cache(cache_dir).usable() else None
    key = parse_key("\n".join(texts), model_version() + " ner-bench")
    if cache is not None:
        data = cache.read_parse(key)
        if data is not None:
            docs = docs_from_bytes(data)
            if [d.text for d in docs] == texts:
                return docs
    nlp = load_nlp()
    docs = []
    started = time.perf_counter()
    for n, doc in enumerate(nlp.pipe(texts, batch_size=64), 1):
        docs.append(doc)
        if n % 500 == 0:
            rate = n / (time.perf_counter() - started)
            print(f"  parsed {n:,}/{len(texts):,} sentences ({rate:.0f}/s)", file=sys.stderr)
    if cache is not None:
        cache.write_parse(key, docs_to_bytes(docs))
    return docs


def kg_spans(doc, gazetteer) -> list[Span]:
    """kg's mentions of one sentence, as the build records them, with coarse types."""
    from kg.resolve import named_mentions, resolve_mentions

    resolved = resolve_mentions(doc, 0, gazetteer)
    spans = []
    for mention, _ in named_mentions(resolved, gazetteer):
        coarse = KG_TYPES.get(mention.kind)
        if coarse:
            spans.append((mention.start, mention.end, coarse))
    return spans


def ginza_spans(doc) -> list[Span]:
    """GiNZA's own entities, labels mapped through ontology/ne_labels.yaml."""
    from kg.entities import ne_label_map

    labels = ne_label_map()
    spans = []
    for ent in doc.ents:
        coarse = KG_TYPES.get(labels.get(ent.label_, ""))
        if coarse:
            spans.append((ent.start_char, ent.end_char, coarse))
    return spans


def _kept(spans: list[Span], sentence: Sentence) -> list[Span]:
    """Predictions, less those overlapping a gold span of a type kg has no class for."""
    return [
        s for s in spans if not any(s[0] < end and start < s[1] for start, end in sentence.ignored)
    ]


def main(argv: Sequence[str]) -> int:
    args = _arguments(argv)
    if not args.data.is_file():
        print(f"error: {args.data}: no such file (the NER gold; see --help)", file=sys.stderr)
        return 2
    from kg.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    sentences = read_gold(args.data, gazetteer)
    if args.limit:
        sentences = sentences[: args.limit]
    started = time.perf_counter()
    docs = parse_all([s.text for s in sentences], None if args.no_cache else args.cache)
    parsed = time.perf_counter() - started
    tallies: dict[tuple[str, str, str], Tally] = {}
    errors: dict[str, list[tuple[str, Span]]] = {"missed": [], "false positive": []}
    started = time.perf_counter()
    for sentence, doc in zip(sentences, docs, strict=True):
        systems = {
            "kg": _kept(kg_spans(doc, gazetteer), sentence),
            "GiNZA": _kept(ginza_spans(doc), sentence),
        }
        for system, predicted in systems.items():
            for subset in ("all", "news") if sentence.news else ("all",):
                for matching in ("exact", "overlap"):
                    tally = tallies.setdefault((system, matching, subset), Tally())
                    tally.add(sentence.gold, predicted, matching == "overlap")
        kg = set(systems["kg"])
        errors["missed"] += [(sentence.text, g) for g in sentence.gold if g not in kg]
        errors["false positive"] += [(sentence.text, p) for p in kg if p not in sentence.gold]
    scored = time.perf_counter() - started
    news = sum(s.news for s in sentences)
    print(
        f"{len(sentences):,} sentences ({news:,} news-like); parse {parsed:.1f} s, "
        f"kg's entity layer and scoring {scored:.1f} s"
    )
    _print_table(tallies)
    if args.errors:
        _print_errors(errors, args.errors, args.seed)
    return 0


def _print_table(tallies: dict[tuple[str, str, str], Tally]) -> None:
    for subset in ("all", "news"):
        for matching in ("exact", "overlap"):
            print(f"\n{subset} sentences, {matching} spans")
            print(f"{'type':<8} {'gold':>6}  {'kg P/R/F1':>20}  {'GiNZA P/R/F1':>20}  {'ΔF1':>6}")
            kg = tallies.get(("kg", matching, subset), Tally())
            ginza = tallies.get(("GiNZA", matching, subset), Tally())
            for kind in (*TYPES, None):
                a, b = kg.prf(kind), ginza.prf(kind)
                gold = kg.gold[kind] if kind else sum(kg.gold.values())
                print(
                    f"{kind or 'micro':<8} {gold:>6}  {_fmt(a):>20}  {_fmt(b):>20}  "
                    f"{100 * (a[2] - b[2]):+6.1f}"
                )


def _fmt(prf: tuple[float, float, float]) -> str:
    return " ".join(f"{100 * x:5.1f}" for x in prf)


def _print_errors(errors: dict[str, list[tuple[str, Span]]], n: int, seed: int) -> None:
    rng = random.Random(seed)
    for kind, items in errors.items():
        print(f"\nkg {kind} (exact spans): {len(items):,}, {min(n, len(items))} at random")
        for text, (start, end, coarse) in rng.sample(items, min(n, len(items))):
            print(
                f"  {coarse} 【{text[start:end]}】  {text[:start]}[{text[start:end]}]{text[end:]}"
            )


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m kg.bench ner",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "data",
        nargs="?",
        type=Path,
        default=DEFAULT_DATA,
        help=f"gold file (default {DEFAULT_DATA})",
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N sentences")
    parser.add_argument("--errors", type=int, default=0, help="list N of kg's errors of each kind")
    parser.add_argument("--seed", type=int, default=0, help="seed for the errors drawn")
    parser.add_argument(
        "--cache", type=Path, default=Path(".kg-cache"), help="parse cache (default .kg-cache)"
    )
    parser.add_argument("--no-cache", action="store_true", help="parse afresh, keep nothing")
    return parser.parse_args(list(argv))
