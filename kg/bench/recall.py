"""``python -m kg.bench recall``: recall in the wild, on sentences judged by hand.

The precision audit (``python -m kg.bench audit``) samples what kg found; this one samples
what the corpus says, so it sees what kg misses.  It draws sentences at random from a
corpus of articles (JSON Lines with ``id``, ``title`` and ``text``, one sentence a line, as
``../shared/realnews/wikinews_ja.jsonl``) among those that contain a word of a broad
candidate list kept here (:data:`CANDIDATES`: the guideline's triggers, their synonyms and
the words a reader would use; wider than ``ontology/rules.yaml`` and never generated from
it).  A person reads each drawn sentence and writes down the facts it states (the
required facts of ``../shared/realnews/GUIDELINES.md``: one of the four relations with
both arguments named in the sentence, or the subject carried from the previous one).
Against a build of the same corpus the judged facts give kg's recall per relation, and
each miss is listed with its cause as the graph shows it.

Three steps::

    # 1. draw a sample and write it out to be judged (nothing of kg's output is shown)
    python -m kg.bench recall --corpus wikinews_ja.jsonl --seed 1 --sample 220 \\
        --exclude ../shared/realnews/dev/articles --write recall_s1.jsonl
    # 2. judge each line by hand: "facts" (see below) and "judged": true
    # 3. score a build of the corpus against the judgments
    kg build wikinews_ja.jsonl -o wn -j 2
    python -m kg.bench recall -g wn --judged recall_s1.jsonl

A judged line holds ``"facts": [{"relation": "visited", "agent": ["小泉純一郎", "小泉首相",
"小泉"], "target": ["靖国神社"], "kind": "required"}]``: each argument a list of the names
that identify it (the spelling in the sentence, without and with title, the state for a
city visited, the state for an organ acting for it), matched against the labels of the
graph's nodes and the names the article calls them by (its NIF mentions), NFKC and spaces
ignored.  ``"kind": "optional"`` marks a fact the guideline leaves optional (pledged,
quoted from one side, a weaker verb): listed, never counted.  A fact is found when an
asserted or reported event of its relation in the same document, with that sentence as
evidence, links matching agent and target.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.model import RELATIONS

# Words a reader would look for to find each relation, written from the guideline and a
# thesaurus, not from rules.yaml: surface strings (stems where the verb inflects), matched
# as substrings of a sentence.  Deliberately wider than the rules: a word here that kg
# does not read is where recall is lost.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "signed": (
        "署名",
        "調印",
        "締結",
        "結ん",
        "結ば",
        "結ぶ",
        "交わ",
        "批准",
        "合意文書",
        "協定",
        "条約",
        "議定書",
        "覚書",
        "覚え書",
        "共同声明",
        "共同宣言",
        "サイン",
        "取り決め",
        "取極",
        "仮調印",
        "加盟",
        "契約",
    ),
    "visited": (
        "訪問",
        "訪れ",
        "到着",
        "歴訪",
        "訪ね",
        "滞在",
        "来日",
        "訪米",
        "訪中",
        "訪朝",
        "訪韓",
        "訪日",
        "訪露",
        "訪欧",
        "訪台",
        "入り",
        "入国",
        "視察",
        "参拝",
        "出張",
        "赴",
        "向か",
        "来訪",
        "外遊",
        "上陸",
        "寄港",
        "着い",
        "遊説",
        "訪",
        "来韓",
        "来朝",
        "慰問",
        "出席のため",
        "会談のため",
        "帰国",
        "渡航",
        "駆けつけ",
        "現地入り",
    ),
    "supplied": (
        "供与",
        "供給",
        "提供",
        "輸出",
        "派遣",
        "派兵",
        "送っ",
        "送る",
        "送り",
        "送ら",
        "引き渡",
        "援助",
        "支援",
        "寄付",
        "寄贈",
        "贈",
        "拠出",
        "支給",
        "売却",
        "輸送",
        "届け",
        "物資",
        "義援金",
        "救援",
        "無償",
        "融資",
        "借款",
        "調達",
        "配備",
        "搬入",
    ),
    "condemned": (
        "非難",
        "批難",
        "糾弾",
        "批判",
        "抗議",
        "反発",
        "断罪",
        "遺憾",
        "懸念",
        "憂慮",
        "反対",
        "けん制",
        "牽制",
        "反論",
        "容認できない",
        "許しがたい",
        "許されない",
        "厳重",
        "撤回を求め",
        "謝罪を求め",
        "強く求め",
        "猛反発",
        "弾劾",
        "告発",
        "譴責",
        "非道",
        "暴挙",
        "挑発",
    ),
}


@dataclass(frozen=True)
class Candidate:
    """One sentence of the corpus that contains a candidate word."""

    doc: str
    line: int  # 0 is the headline; the text's lines count from 1
    sentence: str
    context: tuple[str, ...]  # the headline and up to two sentences before it
    words: tuple[str, ...]  # the candidate words it contains


def candidates(corpus: Path, exclude: Iterable[str] = ()) -> list[Candidate]:
    """Every sentence of ``corpus`` (headlines included) with a candidate word, in corpus
    order, skipping documents in ``exclude`` and lines that only cite a source."""
    from kg.clean import is_citation

    skipped = set(exclude)
    found = []
    for doc, title, text in corpus_articles(corpus):
        if doc in skipped:
            continue
        sentences = [title, *text.splitlines()]
        for index, sentence in enumerate(sentences):
            sentence = sentence.strip()
            if not sentence or is_citation(sentence):
                continue
            words = _words_in(sentence)
            if words:
                before = [s for s in sentences[max(1, index - 2) : index] if s.strip()]
                context = tuple([title] + before if index else [])
                found.append(Candidate(doc, index, sentence, context, words))
    return found


def corpus_articles(corpus: Path) -> Iterator[tuple[str, str, str]]:
    """The (id, title, text) of each article of a JSON Lines corpus, read as a stream; a
    line that is no article record is a ValueError naming it."""
    with corpus.open(encoding="utf-8") as lines:
        for number, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                yield record["id"], record.get("title") or "", record["text"]
            except (json.JSONDecodeError, KeyError, TypeError) as problem:
                raise ValueError(f"{corpus}:{number}: not an article record ({problem})") from None


def _words_in(sentence: str) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(word for words in CANDIDATES.values() for word in words if word in sentence)
    )


def draw(pool: list[Candidate], size: int, seed: int) -> list[Candidate]:
    """``size`` candidates drawn at random, in corpus order: the first ``size`` of the pool
    shuffled by ``seed``, so the same pool and seed give the same draw, and a larger
    ``size`` extends a smaller one.

    >>> pool = [Candidate("d", n, "s", (), ()) for n in range(10)]
    >>> small, large = draw(pool, 3, 1), draw(pool, 6, 1)
    >>> set(small) <= set(large), [c.line for c in small] == sorted(c.line for c in small)
    (True, True)
    """
    order = list(range(len(pool)))
    random.Random(seed).shuffle(order)
    return [pool[i] for i in sorted(order[:size])]


def excluded_ids(paths: Iterable[Path]) -> set[str]:
    """Document ids to leave out: the stems of the files in the given folders (a
    development set's ``wn0123.txt``), or the ids listed one a line in a text file."""
    ids: set[str] = set()
    for path in paths:
        if path.is_dir():
            ids |= {p.stem for p in path.iterdir() if p.is_file()}
        else:
            ids |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
    return ids - {""}


# ------------------------------------------------------------------ judged samples
@dataclass(frozen=True)
class JudgedFact:
    doc: str
    line: int
    sentence: str
    relation: str
    agent: tuple[str, ...]
    target: tuple[str, ...]
    kind: str  # required or optional


def read_judged(path: Path) -> tuple[list[dict], list[JudgedFact]]:
    """The sampled lines of a judged file and the facts written for them; ValueError
    naming the line for anything malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise ValueError(f"cannot read {path}: {problem}") from None
    rows, facts = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as problem:
            raise ValueError(f"{where}: not JSON ({problem.msg})") from None
        if not isinstance(row, dict) or not {"doc", "line", "sentence"} <= set(row):
            raise ValueError(f"{where}: not a sampled sentence (doc, line, sentence)")
        rows.append(row)
        for fact in row.get("facts") or ():
            facts.append(_fact(row, fact, where))
    return rows, facts


def _fact(row: dict, fact: object, where: str) -> JudgedFact:
    if not isinstance(fact, dict):
        raise ValueError(f"{where}: a fact is an object with relation, agent and target")
    relation = fact.get("relation")
    if relation not in RELATIONS:
        raise ValueError(f"{where}: unknown relation {relation!r} (one of {', '.join(RELATIONS)})")
    kind = fact.get("kind", "required")
    if kind not in ("required", "optional"):
        raise ValueError(f"{where}: kind must be required or optional, not {kind!r}")
    names = {}
    for role in ("agent", "target"):
        value = fact.get(role)
        value = [value] if isinstance(value, str) else value
        if not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError(f"{where}: {role} must be a name or a list of names")
        names[role] = tuple(_normal(v) for v in value)
    return JudgedFact(
        row["doc"],
        int(row["line"]),
        row["sentence"],
        relation,
        names["agent"],
        names["target"],
        kind,
    )


def _normal(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


# ------------------------------------------------------------------ the build's events
_EVENTS = """
PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?relation ?agent ?target ?modality ?evidence ?identifier WHERE {
  ?event a kg:Event ; kg:relation ?relation ; kg:agent ?agent ; kg:target ?target ;
         kg:modality ?modality ; kg:evidence ?evidence ; prov:wasDerivedFrom ?doc .
  ?doc dcterms:identifier ?identifier .
}
"""
_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?node ?label WHERE {
  { ?node rdfs:label ?label } UNION { ?node skos:altLabel ?label }
}
"""
_ANCHORS = """
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?node ?anchor ?identifier WHERE {
  ?phrase nif:anchorOf ?anchor ; itsrdf:taIdentRef ?node ; nif:referenceContext ?context .
  ?doc kg:context ?context ; dcterms:identifier ?identifier .
}
"""


@dataclass(frozen=True)
class FoundEvent:
    relation: str
    agent: str
    target: str
    modality: str
    evidence: str


@dataclass
class BuildView:
    """What the scoring needs of a build: its events by document, and every name of a
    node (its labels everywhere, its mentions' words in each document)."""

    events: dict[str, list[FoundEvent]]
    labels: dict[str, set[str]]
    anchors: dict[tuple[str, str], set[str]]

    @classmethod
    def of(cls, store) -> BuildView:
        events: dict[str, list[FoundEvent]] = {}
        for row in store.query(_EVENTS):
            events.setdefault(row["identifier"].value, []).append(
                FoundEvent(
                    row["relation"].value.rpartition("#")[2],
                    row["agent"].value,
                    row["target"].value,
                    row["modality"].value.rpartition("#")[2],
                    _normal(row["evidence"].value),
                )
            )
        labels: dict[str, set[str]] = {}
        for row in store.query(_LABELS):
            labels.setdefault(row["node"].value, set()).add(_normal(row["label"].value))
        anchors: dict[tuple[str, str], set[str]] = {}
        for row in store.query(_ANCHORS):
            key = (row["identifier"].value, row["node"].value)
            anchors.setdefault(key, set()).add(_normal(row["anchor"].value))
        return cls(events, labels, anchors)

    def names(self, doc: str, node: str) -> set[str]:
        return self.labels.get(node, set()) | self.anchors.get((doc, node), set())

    def in_sentence(self, fact: JudgedFact) -> list[FoundEvent]:
        """The events of the fact's document whose evidence is the fact's sentence (or a
        part of it, where kg split a line in two)."""
        sentence = _normal(fact.sentence)
        return [
            e
            for e in self.events.get(fact.doc, ())
            if e.evidence and (sentence in e.evidence or e.evidence in sentence)
        ]

    def matches(self, fact: JudgedFact, event: FoundEvent) -> bool:
        return self.named(fact, event.agent, fact.agent) and self.named(
            fact, event.target, fact.target, agreement=fact.relation == "signed"
        )

    def named(
        self, fact: JudgedFact, node: str, names: tuple[str, ...], agreement: bool = False
    ) -> bool:
        """Whether a node goes by one of ``names``; an agreement (labelled with its whole
        noun phrase when it has no name) also by a name its label ends with."""
        known = self.names(fact.doc, node)
        if known & set(names):
            return True
        return agreement and any(k.endswith(n) for k in known for n in names if len(n) >= 2)


FACT_MODALITIES = ("asserted", "reported")
_JUDGMENT = ("judged", "facts", "note")  # what a person wrote on a sampled line


def outcome(view: BuildView, fact: JudgedFact) -> tuple[bool, str]:
    """Whether kg found the fact, and if not, what the graph shows instead (the cause)."""
    events = [e for e in view.in_sentence(fact) if e.relation == fact.relation]
    same = [e for e in events if view.matches(fact, e)]
    if any(e.modality in FACT_MODALITIES for e in same):
        return True, ""
    if same:
        return False, f"found as {same[0].modality}, not a fact"
    if not events:
        return False, "no event of the relation in the sentence"
    agent_ok = [e for e in events if view.named(fact, e.agent, fact.agent)]
    target_ok = [e for e in events if view.named(fact, e.target, fact.target, True)]
    shown = "; ".join(f"{_tail(e.agent)} → {_tail(e.target)}" for e in events[:3])
    if agent_ok:
        return False, f"other target ({shown})"
    if target_ok:
        return False, f"other agent ({shown})"
    return False, f"other arguments ({shown})"


def _tail(iri: str) -> str:
    from urllib.parse import unquote

    return unquote(iri.rstrip("/").rpartition("/")[2])


_ARTICLES = """
PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?doc ?identifier ?text ?date ?title WHERE {
  ?doc dcterms:identifier ?identifier ; kg:context ?context . ?context nif:isString ?text .
  OPTIONAL { ?doc dcterms:date ?date } OPTIONAL { ?doc dcterms:title ?title }
}
"""


def engine_traces(store, documents: set[str]) -> dict[str, list]:
    """The rule engine's trace of each document's text as the build cleaned it (its NIF
    context), by document identifier: what ``kg explain`` shows (parses them again)."""
    import datetime as dt

    from kg.explain import explain
    from kg.model import Article, Section

    traces = {}
    for row in store.query(_ARTICLES):
        identifier = row["identifier"].value
        if identifier not in documents:
            continue
        text = row["text"].value
        date = dt.date.fromisoformat(row["date"].value) if row["date"] else None
        title = row["title"].value if row["title"] else None
        doc_id = row["doc"].value.rpartition("/")[2]
        article = Article(
            doc_id, identifier, text, title, date, sections=(Section(0, len(text), title, date),)
        )
        traces[identifier] = explain(article)
    return traces


def engine_cause(fact: JudgedFact, traces: list) -> str:
    """Why the engine found no fact in the sentence, from its trace: an argument it does
    not see as an entity, no trigger of the relation, or what the rules it tried said."""
    sentence = _normal(fact.sentence)
    trace = next(
        (
            t
            for t in traces
            if t.text.strip() and (_normal(t.text) in sentence or sentence in _normal(t.text))
        ),
        None,
    )
    if trace is None:
        return "sentence not in the build (cleaned away)"
    if trace.note:
        return trace.note
    named = {_normal(m.text) for m in trace.mentions}
    for role, names in (("agent", fact.agent), ("target", fact.target)):
        if not any(n in named or any(n in m or m in n for m in named if len(m) > 1) for n in names):
            return f"{role} not an entity mention: {names[0]}"
    tried = [r for r in trace.rules if r.relation == fact.relation]
    if not tried:
        return "no trigger of the relation"
    outcomes = "; ".join(
        dict.fromkeys(
            f"{r.rule_id} on {r.trigger}: {r.outcome}"
            + (f" [{r.modality}]" if r.modality and r.events else "")
            for r in tried
        )
    )
    return f"rule: {outcomes}"


def score(view: BuildView, facts: list[JudgedFact]) -> dict[str, Counter]:
    counts: dict[str, Counter] = {}
    for fact in facts:
        if fact.kind != "required":
            continue
        found, _ = outcome(view, fact)
        for key in (fact.relation, "overall"):
            counts.setdefault(key, Counter())["found" if found else "missed"] += 1
    return counts


# ------------------------------------------------------------------ command line
def main(argv: Sequence[str]) -> int:
    args = _arguments(argv)
    if args.judged:
        return _report(args)
    if args.corpus is None:
        print("error: give --corpus to draw a sample, or --judged to score one", file=sys.stderr)
        return 2
    try:
        pool = candidates(args.corpus, excluded_ids(args.exclude or ()))
    except (OSError, ValueError) as problem:
        print(f"error: {getattr(problem, 'strerror', None) or problem}", file=sys.stderr)
        return 1
    try:
        drawn_before = _sampled_rows(args.not_in)
        judged = {key: row for key, row in _sampled_rows(args.keep).items() if row.get("judged")}
    except ValueError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    pool = [c for c in pool if (c.doc, c.line) not in drawn_before]
    sample = draw(pool, args.sample, args.seed)
    per_word = Counter(w for c in pool for w in c.words)
    print(f"{len(pool):,} candidate sentences; drew {len(sample)} (seed {args.seed})")
    for relation, words in CANDIDATES.items():
        seen = sum(1 for c in pool if set(c.words) & set(words))
        print(f"  {relation:<10} {seen:>6,} sentences with one of its {len(words)} words")
    if args.words:
        for word, n in per_word.most_common():
            print(f"    {word}\t{n}")
    if args.write:
        if args.write.exists() and not args.force:
            print(
                f"error: {args.write} exists (judgments are kept: --force to replace)",
                file=sys.stderr,
            )
            return 1
        rows = [
            {
                "sample": f"seed {args.seed}",
                "doc": c.doc,
                "line": c.line,
                "context": list(c.context),
                "sentence": c.sentence,
                "words": list(c.words),
                "judged": False,
                "facts": [],
            }
            for c in sample
        ]
        for row in rows:
            earlier = judged.get((row["doc"], row["line"]))
            if earlier is not None and earlier.get("sentence") == row["sentence"]:
                kept = {k: v for k, v in earlier.items() if k not in row or k in _JUDGMENT}
                row.update(kept)
        carried = sum(1 for r in rows if r["judged"])
        if carried:
            print(f"{carried} of them judged before (--keep): judgments carried over")
        args.write.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
        print(f"wrote {len(rows)} sentences to judge to {args.write}")
    return 0


def _sampled_rows(paths: Sequence[Path] | None) -> dict[tuple[str, int], dict]:
    """The lines of earlier samples (judged or not), by document and line."""
    found: dict[tuple[str, int], dict] = {}
    for path in paths or ():
        rows, _ = read_judged(path)
        found |= {(row["doc"], int(row["line"])): row for row in rows}
    return found


def _report(args: argparse.Namespace) -> int:
    from kg.store import open_store

    try:
        samples = [read_judged(path) for path in args.judged]
        store = open_store(args.graph)
    except Exception as problem:  # noqa: BLE001 - one line, whatever the reader raised
        print(f"error: {problem}", file=sys.stderr)
        return 1
    view = BuildView.of(store)
    status = 0
    for path, (rows, facts) in zip(args.judged, samples, strict=True):
        unjudged = sum(1 for r in rows if not r.get("judged"))
        required = [f for f in facts if f.kind == "required"]
        print(
            f"\n{path}: {len(rows)} sentences, {unjudged} not judged yet; "
            f"{len(required)} required facts, {len(facts) - len(required)} optional"
        )
        counts = score(view, facts)
        print(f"{'relation':<10} {'facts':>6} {'found':>6} {'recall':>7}")
        for key in (*RELATIONS, "overall"):
            c = counts.get(key, Counter())
            total = c["found"] + c["missed"]
            share = f"{c['found'] / total:.3f}" if total else "—"
            print(f"{key:<10} {total:>6} {c['found']:>6} {share:>7}")
        if args.misses or args.why:
            missed = [f for f in required if not outcome(view, f)[0]]
            traces = engine_traces(store, {f.doc for f in missed}) if args.why else {}
            causes = Counter()
            print("\nmissed:")
            for fact in missed:
                cause = outcome(view, fact)[1]
                if args.why:
                    cause = engine_cause(fact, traces.get(fact.doc, [])) or cause
                causes[cause.split(" (")[0].split(": ")[0]] += 1
                print(
                    f"  {fact.doc}:{fact.line} {fact.agent[0]} {fact.relation} "
                    f"{fact.target[0]}  [{cause}]"
                )
                print(f"      {fact.sentence}")
            print("\nmisses by cause:")
            for cause, n in causes.most_common():
                print(f"  {n:>4}  {cause}")
        status |= 1 if unjudged else 0
    return status


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m kg.bench recall",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--corpus", type=Path, help="articles (JSON Lines: id, title, text)")
    parser.add_argument("--sample", type=int, default=220, help="sentences to draw (220)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the draw (default 1)")
    parser.add_argument(
        "--exclude",
        type=Path,
        action="append",
        help="leave out these documents: a folder of wnNNNN.txt files, or a file of ids",
    )
    parser.add_argument("--write", type=Path, help="write the sample (JSON Lines) to judge")
    parser.add_argument("--force", action="store_true", help="replace an existing --write file")
    parser.add_argument(
        "--keep",
        type=Path,
        action="append",
        help="judged file(s) whose judgments of the same sentences --write carries over",
    )
    parser.add_argument(
        "--not-in",
        type=Path,
        action="append",
        help="draw only sentences not in these sample files (a fresh sample beside them)",
    )
    parser.add_argument("--words", action="store_true", help="how often each word occurs")
    parser.add_argument(
        "-g", "--graph", type=Path, default=Path("out"), help="build folder or .ttl (scoring)"
    )
    parser.add_argument(
        "--judged", type=Path, action="append", help="judged sample(s) to score (repeatable)"
    )
    parser.add_argument("--misses", action="store_true", help="list each miss with its cause")
    parser.add_argument(
        "--why",
        action="store_true",
        help="with each miss, what the rule engine did in its sentence (parses again)",
    )
    return parser.parse_args(list(argv))
