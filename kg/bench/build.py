"""``python -m kg.bench build``: kg build's throughput against bare GiNZA, cache and -j.

A corpus of ``--articles`` articles is generated into a temporary folder (never into the
repository) by recombining the seeds' cleaned sentence paragraphs, ``--paragraphs`` of them
an article (20 by default: about 1,300 characters, below the seeds' 2,150 on average), each
article its own file under numbered sub-folders, starting with a date line.  Article length
matters to one ratio: a cold build costs per character, a warm one mostly per article
(cleaning, reading cached facts, writing the graph) plus a fixed start (imports, the model
load when one article must be parsed).  Then, in one run:

1. bare GiNZA: ``nlp.pipe`` over exactly the parse units ``kg build`` will see (the
   cleaned texts cut by :func:`kg.nlp.units`), in one process and in N (spaCy's
   ``n_process``); the model is loaded before the clock starts;
2. ``kg build`` cold (empty cache) with ``-j 1`` and ``-j N``, each a subprocess timed
   from start to exit (interpreter start, model load and writing the outputs included);
3. warm rebuilds over the ``-j N`` cache, each the median of three: nothing changed, then
   one article changed (a different one each time);
4. peak memory of the ``-j N`` build at half the corpus and at the full corpus: the main
   process, the largest worker and the whole process tree (sampled with psutil when it is
   installed; ``max single`` is the kernel's max RSS over the process and its children).

The machine is shared and noisy: compare the two sides of a ratio, measured minutes
apart in one run, never absolute times across runs.

Example::

    python -m kg.bench build                     # 500 articles, N = all cores
    python -m kg.bench build --articles 1000 --jobs 4 --keep /tmp/corpus
    python -m kg.bench build --seeds ~/kg/seeds   # run from outside the repository
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.clean import clean
from kg.load import load
from kg.nlp import BATCH_SIZE, load_nlp, units
from kg.pipeline import prepare

SEEDS = Path("seeds")  # as kg build: the sample articles of the repository it runs in
FILES_PER_FOLDER = 100
TARGETS = {
    "cold -j 1 / bare 1": 0.9,  # at least
    "cold -j 1 / bare 1, CPU time": 0.9,  # at least
    "cold -j N / cold -j 1": 1.7,  # at least (speed-up)
    "warm, one changed / cold": 0.05,  # at most
}


@dataclass(frozen=True)
class Run:
    """One timed run: bare GiNZA in this process, or a ``kg build`` subprocess."""

    seconds: float  # wall clock
    cpu_seconds: float | None  # user + system, children included (None: not measurable)
    max_single_mb: float | None = None  # the kernel's max RSS over the process and children
    main_mb: float | None = None  # psutil samples: the main process's peak
    worker_mb: float | None = None  # the largest worker's peak
    tree_mb: float | None = None  # the whole tree's peak (sum over processes)
    summary: str = ""  # the build's last line: what was parsed and reused


def main(argv: Sequence[str]) -> int:
    """Run the benchmark and print its table; 1 if a build failed."""
    args = _arguments(argv)
    if not seed_paragraphs(args.seeds):
        print(
            f"error: no sentences to draw from in {args.seeds}/*.txt (see --seeds)", file=sys.stderr
        )
        return 2
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        return _benchmark(args, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m kg.bench build",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--articles", type=int, default=500, help="corpus size (default 500)")
    parser.add_argument(
        "--paragraphs", type=int, default=20, help="seed paragraphs per article (default 20)"
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="N (default: all cores)"
    )
    parser.add_argument(
        "--warm-runs", type=int, default=3, help="warm rebuilds of each kind (median kept)"
    )
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it")
    parser.add_argument(
        "--seeds",
        type=Path,
        default=SEEDS,
        help="folder of .txt articles the corpus is drawn from (default: seeds/)",
    )
    return parser.parse_args(list(argv))


def _benchmark(args: argparse.Namespace, folder: Path) -> int:
    jobs = max(1, args.jobs)
    corpus, small = folder / "corpus", folder / "corpus-half"
    generate(corpus, args.articles, args.paragraphs, args.seeds)
    generate(small, max(1, args.articles // 2), args.paragraphs, args.seeds)
    texts = parse_texts(corpus)
    chars = sum(map(len, texts))
    print(f"corpus: {args.articles} articles, {len(texts)} parse units, {chars:,} characters")
    print(f"N = {jobs} ({os.cpu_count()} cores)", flush=True)

    rows: list[tuple[str, Run, str]] = []
    bare_1 = bare_ginza(texts, 1)
    rows.append(("bare GiNZA nlp.pipe, 1 process", bare_1, _rate(chars, bare_1)))
    cold_1 = build(corpus, folder / "out-j1", folder / "cache-j1", 1)
    rows.append(("kg build cold -j 1", cold_1, _rate(chars, cold_1)))
    if jobs > 1:
        bare_n = bare_ginza(texts, jobs)
        rows.append((f"bare GiNZA nlp.pipe, {jobs} processes", bare_n, _rate(chars, bare_n)))
        cold_n = build(corpus, folder / "out-jN", folder / "cache-jN", jobs)
        rows.append((f"kg build cold -j {jobs}", cold_n, _rate(chars, cold_n)))
    else:
        bare_n, cold_n = bare_1, cold_1
    out, cache = (
        (folder / "out-jN", folder / "cache-jN")
        if jobs > 1
        else (folder / "out-j1", folder / "cache-j1")
    )
    warm = _median([build(corpus, out, cache, jobs) for _ in range(args.warm_runs)])
    rows.append(
        (f"kg build warm, nothing changed (median of {args.warm_runs})", warm, warm.summary)
    )
    changed = _median(
        [
            _rebuild_one_changed(corpus, out, cache, jobs, k, args.seeds)
            for k in range(args.warm_runs)
        ]
    )
    rows.append(
        (
            f"kg build warm, one article changed (median of {args.warm_runs})",
            changed,
            changed.summary,
        )
    )
    half = build(small, folder / "out-half", folder / "cache-half", jobs)
    _print_table(rows)
    _print_ratios(bare_1, bare_n, cold_1, cold_n, warm, changed, jobs)
    _print_memory(half, cold_n, max(1, args.articles // 2), args.articles, jobs)
    return 0 if all(run.summary for run in (cold_1, cold_n, warm, changed, half)) else 1


# --- The corpus. ---


def seed_paragraphs(seeds: Path = SEEDS) -> list[str]:
    """The seeds' cleaned paragraphs that are sentences (the pool articles are drawn from)."""
    pool = []
    for path in sorted(seeds.glob("*.txt")):
        article = clean(path.read_text(encoding="utf-8"), doc_id=path.stem, source=path.name)
        pool.extend(line for line in article.text.split("\n") if line.endswith("。"))
    return pool


def generate(folder: Path, articles: int, paragraphs: int, seeds: Path = SEEDS) -> None:
    """``articles`` files of ``paragraphs`` seed paragraphs each, deterministic by index."""
    pool = seed_paragraphs(seeds)
    for index in range(articles):
        draw = random.Random(index).sample(pool, min(paragraphs, len(pool)))
        path = folder / f"{index // FILES_PER_FOLDER:03d}" / f"article-{index:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        date = f"2024年{index % 12 + 1}月{index % 28 + 1}日"
        path.write_text(date + "\n\n" + "\n".join(draw) + "\n", encoding="utf-8")


def change_one_article(folder: Path, which: int = 0, seeds: Path = SEEDS) -> None:
    """Rewrite an article near the middle: its last paragraph is replaced by another."""
    files = sorted(folder.rglob("*.txt"))
    path = files[(len(files) // 2 + which) % len(files)]
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    pool = [p for p in seed_paragraphs(seeds) if p not in lines]
    lines[-1] = random.Random(f"changed {which}").choice(pool)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def parse_texts(*paths: Path) -> list[str]:
    """The parse units ``kg build`` sees in a corpus: cleaned texts cut by kg.nlp.units."""
    problems: list[str] = []
    articles = prepare(load(list(paths)), problems)
    return [unit.text for a in articles for unit in units(a.doc_id, a.text)]


# --- The measurements. ---


def bare_ginza(texts: list[str], processes: int) -> Run:
    """``nlp.pipe`` over ``texts``, the model already loaded (CPU time for one process only)."""
    nlp = load_nlp()
    started, cpu = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=processes):
        pass
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu if processes == 1 else None
    print(f"  bare GiNZA, {processes} process(es): {seconds:.1f} s  {_load()}", flush=True)
    return Run(seconds, cpu_seconds)


def build(corpus: Path, out: Path, cache: Path, jobs: int) -> Run:
    """Run ``kg build`` as a subprocess; its wall time and peak memory."""
    command = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out)]
    command += ["-j", str(jobs), "--cache", str(cache)]
    log = out.with_suffix(".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as stream:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=stream, stderr=subprocess.STDOUT)
        peaks = _sample_memory(process)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8")
    found = re.search(r"\d+ distinct texts: .*?(?:unchanged|\(no cache\))", text, re.S)
    if process.returncode != 0 or found is None:
        print(f"kg build failed ({process.returncode}):\n{text[-2000:]}", file=sys.stderr)
    summary = " ".join(found.group(0).split()) if found and process.returncode == 0 else ""
    print(f"  kg build {corpus.name} -j {jobs}: {seconds:.1f} s  {_load()}  {summary}", flush=True)
    cpu_seconds = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu_seconds, usage.ru_maxrss / 1024, *peaks, summary=summary)


def _rebuild_one_changed(
    corpus: Path, out: Path, cache: Path, jobs: int, which: int, seeds: Path
) -> Run:
    change_one_article(corpus, which, seeds)
    return build(corpus, out, cache, jobs)


def _median(runs: list[Run]) -> Run:
    """The run of median wall time (warm runs are cheap: repeat them, keep the middle one)."""
    return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]


def _load() -> str:
    """The load average over the last minute: other processes skew wall-clock ratios."""
    return f"[load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores]"


def _sample_memory(process: subprocess.Popen) -> tuple[float | None, float | None, float | None]:
    """Peaks (MB) of the main process, the largest worker and the tree, until it exits."""
    try:
        import psutil
    except ImportError:  # the caller's wait4 still gives the max single RSS
        return None, None, None
    main = worker = tree = 0.0
    try:
        root = psutil.Process(process.pid)
        while root.status() != psutil.STATUS_ZOMBIE:
            own = root.memory_info().rss
            children = [_rss(child) for child in root.children(recursive=True)]
            main, worker = max(main, own), max([worker, *children])
            tree = max(tree, own + sum(children))
            time.sleep(0.1)
    except psutil.NoSuchProcess:
        pass
    return main / 2**20, worker / 2**20, tree / 2**20


def _rss(process) -> int:
    try:
        return process.memory_info().rss
    except Exception:  # the worker exited between listing and reading
        return 0


# --- The report. ---


def _rate(chars: int, run: Run) -> str:
    return f"{chars / run.seconds:,.0f} chars/s"


def _print_table(rows: list[tuple[str, Run, str]]) -> None:
    width = max(len(row[0]) for row in rows)
    print()
    print(f"| {'measurement':<{width}} | wall time | CPU time | throughput / what was done |")
    print(f"| {'-' * width} | ---: | ---: | --- |")
    for what, run, detail in rows:
        cpu = "n/a" if run.cpu_seconds is None else f"{run.cpu_seconds:.1f} s"
        print(f"| {what:<{width}} | {run.seconds:.1f} s | {cpu} | {detail} |")


def _print_ratios(
    bare_1: Run, bare_n: Run, cold_1: Run, cold_n: Run, warm: Run, changed: Run, jobs: int
) -> None:
    cpu_ratio = (bare_1.cpu_seconds or 0) / (cold_1.cpu_seconds or 1)
    ratios = [
        ("cold -j 1 / bare 1", bare_1.seconds / cold_1.seconds, "throughput ratio"),
        ("cold -j 1 / bare 1, CPU time", cpu_ratio, "immune to other load"),
        ("cold -j N / cold -j 1", cold_1.seconds / cold_n.seconds, f"speed-up, N = {jobs}"),
        ("bare N / bare 1", bare_1.seconds / bare_n.seconds, "GiNZA's own speed-up"),
        ("warm, nothing changed / cold", warm.seconds / cold_n.seconds, "of the cold -j N time"),
        ("warm, one changed / cold", changed.seconds / cold_n.seconds, "of the cold -j N time"),
    ]
    if jobs == 1:  # nothing ran in parallel: the speed-ups are 1 by construction
        ratios = [r for r in ratios if "N" not in r[0]]
    print()
    print("| ratio | value | target | |")
    print("| --- | ---: | --- | --- |")
    for name, value, what in ratios:
        target = TARGETS.get(name)
        if target is None:
            verdict, bound = "", ""
        elif target < 0.5:
            verdict, bound = ("met" if value < target else "MISSED"), f"< {target:g}"
        else:
            verdict, bound = ("met" if value >= target else "MISSED"), f">= {target:g}"
        print(f"| {name} ({what}) | {value:.3f} | {bound} | {verdict} |")


def _print_memory(half: Run, full: Run, half_articles: int, articles: int, jobs: int) -> None:
    def mb(value: float | None) -> str:
        return "n/a" if value is None else f"{value:,.0f} MB" if value else "none"

    print()
    print(
        f"| peak memory, cold -j {jobs} | {half_articles} articles | {articles} articles | ratio |"
    )
    print("| --- | ---: | ---: | ---: |")
    for name, attr in (
        ("main process", "main_mb"),
        ("largest worker", "worker_mb"),
        ("whole process tree", "tree_mb"),
        ("max single (getrusage)", "max_single_mb"),
    ):
        small, big = getattr(half, attr), getattr(full, attr)
        ratio = f"{big / small:.2f}" if small and big else "n/a"
        print(f"| {name} | {mb(small)} | {mb(big)} | {ratio} |")
