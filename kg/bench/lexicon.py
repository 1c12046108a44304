"""``python -m kg.bench lexicon``: the trigger lexicons weighed against the corpus.

For every relation, and for the supply items and carrier nouns of ``ontology/rules.yaml``,
lists the candidate words: the words of the lists themselves, the nearest neighbours of
each in ja_ginza's own word vectors among the words of a corpus, and the words a reader
would look for (:data:`kg.bench.recall.CANDIDATES`).  Each with how often the corpus uses
it and the decision recorded for it in ``ontology/lexicon.yaml`` (added, or why not), so
a lexicon grows by evidence, not by the sentence that showed a miss; a candidate with no
decision is marked for someone to decide.

Example::

    python -m kg.bench lexicon --corpus ../shared/realnews/wikinews_ja.jsonl
    python -m kg.bench lexicon --corpus wikinews_ja.jsonl --list supplied --undecided
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.bench.recall import corpus_articles
from kg.model import RELATIONS

CONTENT_TAGS = ("名詞", "動詞", "形状詞")  # Sudachi's parts of speech of a trigger word
LISTS = (*RELATIONS, "supply_items", "carrier_nouns")


@dataclass(frozen=True)
class Decision:
    added: bool
    why: str = ""


def current_words(list_name: str) -> set[str]:
    """The words a list of rules.yaml holds now (a relation's triggers, prefix rules out)."""
    from kg.relations.rules import load_rules

    rules = load_rules()
    if list_name == "supply_items":
        return set(rules.supply_items)
    if list_name == "carrier_nouns":
        return set(rules.carrier_nouns)
    return {w for rule in rules.rules if rule.relation == list_name for w in rule.triggers}


def read_decisions(path: Path | None = None) -> dict[str, dict[str, Decision]]:
    """``ontology/lexicon.yaml``: per list, the words ``added`` and, under ``not added``,
    the words left out grouped by the reason; ValueError naming what is malformed."""
    from kg.resources import ontology_file, read_yaml

    data = read_yaml(path or ontology_file("lexicon.yaml")) or {}
    decisions: dict[str, dict[str, Decision]] = {}
    for list_name, entry in data.items():
        where = f"lexicon.yaml: {list_name}"
        if list_name not in LISTS:
            raise ValueError(f"{where}: unknown list (one of {', '.join(LISTS)})")
        if not isinstance(entry, dict) or set(entry) - {"added", "not added"}:
            raise ValueError(f"{where}: holds 'added' (a list) and 'not added' (reason: list)")
        decided = decisions.setdefault(list_name, {})
        for word in entry.get("added") or ():
            decided[str(word)] = Decision(True)
        for why, words in (entry.get("not added") or {}).items():
            if not str(why).strip() or not isinstance(words, list):
                raise ValueError(f"{where}: 'not added' maps a reason to a list of words")
            for word in words:
                if str(word) in decided:
                    raise ValueError(f"{where}: {word} is decided twice")
                decided[str(word)] = Decision(False, str(why))
    return decisions


# ------------------------------------------------------------------ the corpus
def corpus_texts(corpus: Path) -> Iterator[str]:
    for _, title, text in corpus_articles(corpus):
        yield f"{title}\n{text}"


def word_counts(texts: Iterable[str], tokenizer) -> Counter[str]:
    """How often each content word (its dictionary form) occurs: Sudachi through GiNZA's
    tokenizer, no parse."""
    counts: Counter[str] = Counter()
    for text in texts:
        for line in text.splitlines():
            for token in tokenizer(line):
                if token.tag_.startswith(CONTENT_TAGS):
                    counts[token.lemma_] += 1
    return counts


def nearest(words: Iterable[str], vocab, counts: Counter[str], size: int, least: int):
    """For each word with a vector, the ``size`` corpus words (used ``least`` times or more)
    nearest to it by cosine in the model's vectors: {candidate: (word, similarity)}, the
    closest word kept where several reach the same candidate.

    >>> from collections import Counter
    >>> import spacy
    >>> vocab = spacy.blank("en").vocab
    >>> import numpy
    >>> for w, v in {"a": [1, 0], "b": [0.9, 0.1], "c": [0, 1]}.items():
    ...     vocab.set_vector(w, numpy.asarray(v, dtype="f"))
    >>> sorted(nearest(["a"], vocab, Counter(a=5, b=5, c=5), 1, 1))
    ['b']
    """
    import numpy

    vectors = vocab.vectors
    keyed = [w for w, n in counts.items() if n >= least and vocab.strings[w] in vectors]
    if not keyed:
        return {}
    matrix = numpy.asarray([vectors[vocab.strings[w]] for w in keyed], dtype="float32")
    matrix /= numpy.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
    found: dict[str, tuple[str, float]] = {}
    for word in words:
        key = vocab.strings[word]
        if key not in vectors:
            continue
        vector = numpy.asarray(vectors[key], dtype="float32")
        similarity = matrix @ (vector / (numpy.linalg.norm(vector) + 1e-9))
        ranked = [i for i in numpy.argsort(-similarity) if keyed[i] != word][:size]
        for i in ranked:
            score = float(similarity[i])
            if keyed[i] not in found or found[keyed[i]][1] < score:
                found[keyed[i]] = (word, score)
    return found


@dataclass(frozen=True)
class Row:
    word: str
    count: int
    source: str  # "list", "neighbour of X (0.61)", "reader's word"
    decision: Decision | None


def rows_for(
    list_name: str,
    counts: Counter[str],
    neighbours: dict[str, tuple[str, float]],
    decisions: dict[str, Decision],
    reader_words: Iterable[str] = (),
) -> list[Row]:
    """The candidates of one list, most used first: its words, their neighbours, and the
    reader's words not already among them."""
    words = current_words(list_name)
    found = {w: Row(w, counts[w], "list", decisions.get(w)) for w in words}
    for word, (of, score) in neighbours.items():
        if word not in found:
            found[word] = Row(word, counts[word], f"near {of} ({score:.2f})", decisions.get(word))
    for word in reader_words:
        if word not in found:
            found[word] = Row(word, counts[word], "reader's word", decisions.get(word))
    return sorted(found.values(), key=lambda r: (-r.count, r.word))


def main(argv: Sequence[str]) -> int:
    args = _arguments(argv)
    try:
        decisions = read_decisions()
    except ValueError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    from kg.bench.recall import CANDIDATES
    from kg.nlp import load_nlp

    nlp = load_nlp()
    try:
        counts = word_counts(corpus_texts(args.corpus), nlp.tokenizer)
    except (OSError, ValueError) as problem:
        print(f"error: {getattr(problem, 'strerror', None) or problem}", file=sys.stderr)
        return 1
    undecided = 0
    for list_name in args.list or LISTS:
        words = current_words(list_name)
        neighbours = nearest(words, nlp.vocab, counts, args.neighbours, args.min_count)
        readers = CANDIDATES.get(list_name, ())
        rows = rows_for(list_name, counts, neighbours, decisions.get(list_name, {}), readers)
        print(f"\n== {list_name}: {len(words)} words in rules.yaml, {len(rows)} candidates")
        for row in rows:
            if row.decision is None:
                verdict = "— undecided"
                undecided += row.count >= args.min_count
            elif row.decision.added:
                verdict = "added" if row.word in words else "decided added, NOT in rules.yaml"
            else:
                verdict = f"not added: {row.decision.why}"
            if args.undecided and row.decision is not None:
                continue
            print(f"  {row.word:<12} {row.count:>6}  {row.source:<22} {verdict}")
    print(f"\n{undecided} candidates used {args.min_count}+ times have no decision")
    return 0


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m kg.bench lexicon",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--corpus", type=Path, required=True, help="articles (JSON Lines)")
    parser.add_argument(
        "--list", action="append", choices=LISTS, help="only this list (repeatable)"
    )
    parser.add_argument("--neighbours", type=int, default=12, help="per word (default 12)")
    parser.add_argument(
        "--min-count", type=int, default=3, help="corpus uses a neighbour needs (3)"
    )
    parser.add_argument("--undecided", action="store_true", help="only undecided candidates")
    return parser.parse_args(list(argv))
