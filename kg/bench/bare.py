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
from collections.abc import Sequence
from pathlib import Path

from kg.bench.build import bare_ginza, parse_texts
from kg.nlp import load_nlp


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kg.bench bare",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", type=Path, help="article files or folders")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="processes (default 1)")
    args = parser.parse_args(list(argv))
    texts = parse_texts(*args.paths)
    if not texts:
        print("nothing to parse (kg build would skip every input)")
        return 1
    chars = sum(map(len, texts))
    load_nlp()
    run = bare_ginza(texts, max(1, args.jobs))
    print(f"{len(texts):,} parse units, {chars:,} characters: {chars / run.seconds:,.0f} chars/s")
    return 0
