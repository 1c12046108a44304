"""``python -m kg.bench bare PATH… [-j N]``: bare GiNZA over the texts kg build parses.

Reads and cleans PATH as ``kg build`` does and cuts the same parse units, then loads GiNZA
and runs ``nlp.pipe`` over them (``n_process=N``): nothing is extracted, cached or
written.  Timed as a whole process beside ``kg build PATH -j N --no-cache`` (both load
the model and read the files), it is the yardstick for what kg adds to the parse.

Example::

    /usr/bin/time -v python -m kg.bench bare corpus/ -j 1
    /usr/bin/time -v kg build corpus/ -o /tmp/out --no-cache -j 1
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from kg.load import LoadOptions, load
from kg.nlp import BATCH_SIZE, load_nlp, units
from kg.pipeline import prepare


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kg.bench bare",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", type=Path, help="article files or folders")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="processes (default 1)")
    args = parser.parse_args(list(argv))
    problems: list[str] = []
    articles = prepare(load(args.paths, LoadOptions()), problems)
    texts = [u.text for a in articles for u in units(a.doc_id, a.text)]
    chars = sum(len(text) for text in texts)
    if not texts:
        print("nothing to parse: " + "; ".join(problems[:3]))
        return 1
    nlp = load_nlp()
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=max(1, args.jobs)):
        pass
    seconds = time.perf_counter() - started
    print(
        f"{len(articles)} articles, {len(texts):,} parse units, {chars:,} characters: "
        f"{chars / seconds:,.0f} chars/s in nlp.pipe ({seconds:.1f} s, {args.jobs} process"
        f"{'es' if args.jobs > 1 else ''})"
    )
    return 0
