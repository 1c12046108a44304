"""Dispatch ``python -m kg.bench NAME [ARGS]`` to ``kg.bench.NAME.main(ARGS)``."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "sparql": "SPARQL engines on the seeds' graph and a large synthetic one",
    "build": "kg build throughput against bare GiNZA, cache and -j",
    "bare": "bare GiNZA nlp.pipe over the texts kg build would parse (a yardstick)",
    "ner": "kg's entity layer against raw GiNZA on a Japanese NER gold (stockmark)",
    "audit": "facts per 100 articles and a random sample of them to judge by hand",
    "recall": "recall in the wild: sentences with a candidate word, judged by hand",
    "constructions": "relation × trigger × construction matrix of generated sentences",
    "lexicon": "trigger lexicons against corpus frequency and word-vector neighbours",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in BENCHMARKS:
        print("usage: python -m kg.bench {" + ",".join(BENCHMARKS) + "} [options]")
        for name, what in BENCHMARKS.items():
            print(f"  {name:<8} {what}")
        return 2
    module = importlib.import_module(f"kg.bench.{argv[0]}")
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
