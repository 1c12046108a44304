"""Sanity check for the hand-annotated gold files (run: python tests/gold/check_gold.py).

Checks that every line of seeds.jsonl / negatives.jsonl is valid JSON with exactly the
expected fields, that the relation is one of the four, that the evidence occurs verbatim
in the seed and is one whole sentence of it, and that gold triples are unique per document.
Nothing runs on import (pytest collects this folder with --doctest-modules).

Other gold sets are checked with options, e.g. the held-out set:

    python tests/gold/check_gold.py --docs tests/gold/heldout
        --gold tests/gold/heldout.jsonl --negatives tests/gold/heldout_negatives.jsonl

(one command line).

``--ids FILE`` adds the ids in the first column of a tab-separated file (such as the
gazetteer id list) to the ids that do not cause an "id not in the id list" warning.
Without options the seeds are checked exactly as before.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent.parent / "seeds"

RELATIONS = {"signed", "visited", "supplied", "condemned"}
GOLD_FIELDS = [
    "doc",
    "agent",
    "relation",
    "target",
    "evidence",
    "modality",
    "implied",
    "date",
    "place",
    "item",
    "note",
]
NEG_FIELDS = GOLD_FIELDS + ["why"]
FACT_MODALITIES = {"asserted", "reported"}
NEG_MODALITIES = {
    "negated",
    "hypothetical",
    "conditional",
    "planned",
    "promised",
    "speculative",
    "hearsay",
    "normative",
    "not_body",
    "not_relation",
}
KNOWN_IDS = {
    "North_Korea",
    "South_Korea",
    "Russia",
    "United_States",
    "China",
    "Japan",
    "Ukraine",
    "France",
    "India",
    "Iran",
    "United_Kingdom",
    "Vladimir_Putin",
    "Kim_Jong_Un",
    "Kim_Yo_Jong",
    "Yoon_Suk_Yeol",
    "Antony_Blinken",
    "Joe_Biden",
    "Emmanuel_Macron",
    "Narendra_Modi",
    "Sergei_Shoigu",
    "Donald_Trump",
    "John_Kirby",
    "Alexander_Fomin",
    "Oleksandr_Syrskyi",
    "Mykhailo_Podolyak",
    "Aleksey_Krivoruchko",
    "Fred_Fleitz",
    "DPRK_Russia_Comprehensive_Strategic_Partnership_Treaty",
    "NATO",
    "United_Nations",
    "UN_Security_Council",
    "White_House",
    "Korean_Central_News_Agency",
}
DATE_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
BULLET_RE = re.compile(r"^[\s・✅💡•]+")


def sentences(text: str) -> set[str]:
    """Sentences of a seed: split at line breaks and at 。！？ (also ASCII !? as a variant);
    leading blanks/bullet markers and a lead's <…> brackets are not part of a sentence."""
    out: set[str] = set()
    for line in text.splitlines():
        line = BULLET_RE.sub("", line).strip()
        if line.startswith("<") and line.endswith(">"):
            line = line[1:-1]
        if not line:
            continue
        out.add(line)
        for pattern in (r"(?<=[。！？])", r"(?<=[。！？!?])"):
            for part in re.split(pattern, line):
                part = part.strip()
                if part:
                    out.add(part)
    return out


def load(path: Path, fields: list[str], errors: list[str]) -> list[dict]:
    rows = []
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{no}"
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: invalid JSON ({exc})")
            continue
        if list(row) != fields:
            errors.append(f"{where}: fields {list(row)} != {fields}")
        rows.append((where, row))
    return rows


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Check a hand-annotated gold set.")
    ap.add_argument(
        "--docs", type=Path, default=SEEDS, help="folder of the documents (default: seeds/)"
    )
    ap.add_argument("--gold", type=Path, default=HERE / "seeds.jsonl", help="gold facts (JSONL)")
    ap.add_argument(
        "--negatives", type=Path, default=HERE / "negatives.jsonl", help="negatives (JSONL)"
    )
    ap.add_argument(
        "--ids",
        type=Path,
        action="append",
        default=[],
        help="tab-separated file whose first column lists further known ids (repeatable)",
    )
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    docs: Path = args.docs
    known = set(KNOWN_IDS)
    for path in args.ids:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                known.add(line.split("\t", 1)[0].strip())
    errors: list[str] = []
    warnings: list[str] = []
    cache: dict[str, tuple[str, set[str]]] = {}
    gold = load(args.gold, GOLD_FIELDS, errors)
    neg = load(args.negatives, NEG_FIELDS, errors)
    triples: dict[tuple, str] = {}
    for kind, rows in (("gold", gold), ("negative", neg)):
        for where, r in rows:
            doc = r.get("doc", "")
            if doc not in cache:
                p = docs / doc
                if not p.is_file():
                    errors.append(f"{where}: no document {doc} in {docs}")
                    continue
                text = p.read_text(encoding="utf-8")
                cache[doc] = (text, sentences(text))
            text, sents = cache[doc]
            if r.get("relation") not in RELATIONS:
                errors.append(f"{where}: bad relation {r.get('relation')!r}")
            ev = r.get("evidence", "")
            if not ev or ev not in text:
                errors.append(f"{where}: evidence not verbatim in {doc}: {ev[:40]}…")
            elif ev not in sents:
                warnings.append(f"{where}: evidence is not exactly one sentence: {ev[:40]}…")
            if not isinstance(r.get("implied"), bool):
                errors.append(f"{where}: implied must be a boolean")
            if r.get("date") is not None and not DATE_RE.match(str(r["date"])):
                errors.append(f"{where}: bad date {r['date']!r}")
            mods = FACT_MODALITIES if kind == "gold" else NEG_MODALITIES
            if r.get("modality") not in mods:
                errors.append(f"{where}: modality {r.get('modality')!r} not allowed for {kind}")
            for key in ("agent", "target"):
                ent = r.get(key, "")
                if ent not in known and ent.isascii():
                    warnings.append(f"{where}: {key} {ent!r} not in the id list")
            if kind == "gold":
                t = (doc, r["agent"], r["relation"], r["target"])
                if t in triples:
                    errors.append(f"{where}: duplicate gold triple {t} (first at {triples[t]})")
                triples[t] = where
    collide = 0
    for where, r in neg:
        t = (r["doc"], r["agent"], r["relation"], r["target"])
        also = "also gold" in r.get("note", "")
        if t in triples:
            collide += 1
            if not also:
                errors.append(
                    f"{where}: negative triple is gold in the same doc but note says nothing"
                )
        elif also:
            errors.append(f"{where}: note says 'also gold' but the triple is not gold")
    for w in warnings:
        print("WARN ", w)
    for e in errors:
        print("ERROR", e)
    print(
        f"gold facts: {len(gold)}  negatives: {len(neg)}  "
        f"negatives whose triple is also gold in the same doc: {collide}"
    )
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
