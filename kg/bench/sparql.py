"""``python -m kg.bench sparql``: rdflib's SPARQL engine against the one kg ships.

Times every saved query on the seeds' graph (a build folder, default ``out/``) and on a
synthetic graph of about ``--triples`` triples shaped like kg's (documents, entities
with labels and scores, event nodes with evidence and offsets, direct relation
triples, the same predicates and proportions), on

* **rdflib**: ``rdflib.Graph`` parsed from graph.ttl, queried with its SPARQL engine;
* **oxigraph**: what ``kg query`` uses — the persistent pyoxigraph store of the build
  folder (:mod:`kg.store`), opened read-only.

It prints one table: graph × query → milliseconds for each engine and the ratio
(rdflib ÷ oxigraph), plus what it costs to get each engine ready (parse graph.ttl,
build or open the store) and a whole ``kg query``-like run (ready + one query).
Times are medians of ``--repeat`` runs, measured in one process, one after another.

Examples::

    python -m kg.bench sparql                      # seeds (out/) and ~1,000,000 triples
    python -m kg.bench sparql --triples 20000 --repeat 1
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.query import PREFIX_IRIS, QueryError, bind_saved_query, collect, saved_queries
from kg.store import build_store, ensure_store, memory_store, uses_disk
from kg.vocab import PREFIXES

# Parameters for the saved queries that take some: (seeds' graph, synthetic graph).
SEEDS_PARAMS = {
    "about": {"label": "プーチン"},
    "between": {"from": "2024-06-01", "to": "2024-06-30"},
}

KINDS = ("Person", "State", "Organization", "Place", "Agreement")
KIND_WEIGHTS = (30, 15, 25, 25, 5)
RELATIONS = ("signed", "visited", "supplied", "condemned")
EVENT_CLASSES = {
    "signed": "Signing",
    "visited": "Visit",
    "supplied": "Supply",
    "condemned": "Condemnation",
}
MODALITIES = ("asserted",) * 14 + ("reported",) * 3 + ("negated", "planned", "denied")
ITEMS = ("弾薬", "武器", "兵力", "ミサイル", "軍事装備", "食料")
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
TRIPLES_PER_EVENT = 17.1  # measured on the generator's own output


@dataclass(frozen=True)
class Measure:
    """A median time in ms, or why there is none (the engine failed, or ran out of time)."""

    ms: float
    outcome: str = "ok"  # ok | failed: <error> | over budget

    def __str__(self) -> str:
        if self.outcome == "ok":
            return f"{self.ms:,.1f}"
        if self.outcome == "over budget":
            return f"> {self.ms:,.0f}"
        return self.outcome


@dataclass(frozen=True)
class Timing:
    """One row of the result table."""

    graph: str
    triples: int
    step: str
    rdflib: Measure
    oxigraph: Measure

    def ratio(self) -> str:
        """rdflib's time over oxigraph's, as the table shows it."""
        if self.oxigraph.outcome != "ok" or self.rdflib.outcome.startswith("failed"):
            return "–"
        value = self.rdflib.ms / max(self.oxigraph.ms, 1e-3)
        return f"{'> ' if self.rdflib.outcome != 'ok' else ''}{value:,.1f}×"


# ---------------------------------------------------------------- synthetic graph


def _kana_name(rng: random.Random, number: int) -> str:
    return "".join(rng.choice(KANA) for _ in range(rng.randint(2, 5))) + str(number)


def _skewed(rng: random.Random, size: int) -> int:
    """An index in range(size), small ones far more often (a few actors dominate news)."""
    return min(int(size * rng.random() ** 3), size - 1)


def _entity_lines(rng: random.Random, number: int, kind: str) -> list[str]:
    name = _kana_name(rng, number)
    node = f"ent:E{number}"
    lines = [
        f"{node} a kg:{kind} ;",
        f'  rdfs:label "{name}"@ja, "Entity {number}"@en ;',
        f'  skos:prefLabel "{name}"@ja, "Entity {number}"@en ;',
        f'  skos:altLabel "{name[:-1]}氏{number}"@ja, "{name}・別名"@ja ;',
        f"  kg:inGazetteer {'true' if rng.random() < 0.5 else 'false'} ;",
        f"  kg:degree {rng.randint(0, 40)} ;",
        f"  kg:pagerank {rng.random() / 100:.6e} ;",
        f"  kg:betweenness {rng.random() / 100:.6e} ;",
    ]
    if rng.random() < 0.5:
        lines.append(f"  owl:sameAs wd:Q{number + 1000} ;")
    if kind == "Person":
        lines.append('  schema:jobTitle "大統領"@ja ;')
    lines[-1] = lines[-1][:-1] + "."
    return lines


def _document_lines(rng: random.Random, number: int, day: str) -> list[str]:
    return [
        f'doc:D{number} a kg:Document ; dcterms:source "{number:06d}.txt" ;',
        f'  dcterms:identifier "D{number}" ; dcterms:title "記事{number}の見出し"@ja ;',
        f'  dcterms:date "{day}"^^xsd:date .',
    ]


def _pick_target(rng: random.Random, relation: str, by_kind: dict[str, list[int]]) -> int:
    kinds = {
        "signed": ("Agreement",),
        "visited": ("State", "Place"),
        "supplied": ("State", "Organization"),
        "condemned": KINDS,
    }[relation]
    pool = by_kind[rng.choice(kinds)]
    return pool[_skewed(rng, len(pool))]


def write_synthetic_graph(path: Path, triples: int, seed: int = 7) -> int:
    """Write a Turtle graph of about ``triples`` triples shaped like kg's; returns events.

    Entities, documents and events scale together (one document per 8 events, one
    entity per 7); agents and targets follow a skewed popularity, so some actors are
    in thousands of events and most in a few, as in news.
    """
    rng = random.Random(seed)
    events = max(10, round(triples / TRIPLES_PER_EVENT))
    documents, entities = max(2, events // 8), max(len(KINDS), events // 7)
    kinds = [KINDS[i % len(KINDS)] for i in range(len(KINDS))]
    kinds += rng.choices(KINDS, KIND_WEIGHTS, k=entities - len(KINDS))
    by_kind: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for number, kind in enumerate(kinds):
        by_kind[kind].append(number)
    days = [
        f"{2015 + rng.randrange(10)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        for _ in range(documents)
    ]
    direct: set[tuple[int, str, int]] = set()
    mentioned: set[tuple[int, int]] = set()
    with path.open("w", encoding="utf-8") as out:
        out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIX_IRIS.items()) + "\n")
        for number, kind in enumerate(kinds):
            out.write("\n".join(_entity_lines(rng, number, kind)) + "\n")
        for number, day in enumerate(days):
            out.write("\n".join(_document_lines(rng, number, day)) + "\n")
        for number in range(events):
            relation = rng.choice(RELATIONS)
            agent = _skewed(rng, entities)
            target = _pick_target(rng, relation, by_kind)
            document = rng.randrange(documents)
            modality = rng.choice(MODALITIES)
            begin = rng.randrange(5000)
            lines = [
                f"evt:V{number} a kg:Event, kg:{EVENT_CLASSES[relation]} ;",
                f"  kg:relation kg:{relation} ; kg:agent ent:E{agent} ; kg:target ent:E{target} ;",
                f'  kg:modality kg:{modality} ; kg:rule "{relation}.predicate" ;',
                f'  kg:trigger "訪問"@ja ; kg:evidence "E{agent}はE{target}について'
                f'{number}番目の報道で述べられた。"@ja ;',
                f'  kg:beginIndex "{begin}"^^xsd:nonNegativeInteger ;',
                f'  kg:endIndex "{begin + rng.randint(20, 120)}"^^xsd:nonNegativeInteger ;',
            ]
            if rng.random() < 0.4:
                lines.append(f'  kg:date "{days[document]}"^^xsd:date ;')
            if relation == "supplied":
                lines.append(f'  kg:item "{rng.choice(ITEMS)}"@ja ;')
            lines.append(f"  prov:wasDerivedFrom doc:D{document} .")
            for entity in (agent, target):
                if (entity, document) not in mentioned:
                    mentioned.add((entity, document))
                    lines.append(f"ent:E{entity} kg:mentionedIn doc:D{document} .")
            if modality in ("asserted", "reported") and (agent, relation, target) not in direct:
                direct.add((agent, relation, target))
                lines.append(f"ent:E{agent} kg:{relation} ent:E{target} .")
            out.write("\n".join(lines) + "\n")
    return events


def synthetic_params(store: ox.Store) -> dict[str, dict[str, str]]:
    """Parameters for the synthetic graph: the most-mentioned actor, a year of events."""
    answer = store.query(
        "SELECT ?name WHERE { ?e kg:agent ?a . ?a rdfs:label ?name FILTER(lang(?name) = 'en') }"
        " GROUP BY ?name ORDER BY DESC(COUNT(?e)) LIMIT 1",
        prefixes=PREFIX_IRIS,
    )
    name = next(iter(answer))["name"].value
    return {"about": {"label": name.lower()}, "between": {"from": "2020-01-01", "to": "2020-12-31"}}


# ---------------------------------------------------------------- timing


class OverBudget(BaseException):
    """Raised by SIGALRM inside rdflib's pure-Python evaluation (a BaseException, so no
    ``except Exception`` in the engine swallows it)."""


@contextlib.contextmanager
def _budget(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread, POSIX; no limit otherwise)."""
    usable = seconds and hasattr(signal, "setitimer")
    usable = usable and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise OverBudget

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def measure(action: Callable[[], object], repeat: int, budget: float | None = None) -> Measure:
    """The median wall time of ``action`` over ``repeat`` runs.

    A run slower than ``budget`` seconds is stopped (and not repeated); one that raises
    is reported as failed: both are results of the engine, not of the benchmark.
    """
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            with _budget(budget):
                action()
        except OverBudget:
            return Measure((budget or 0) * 1000, "over budget")
        except Exception as err:  # noqa: BLE001 — an engine's failure is a result to report
            return Measure(float("nan"), f"failed: {type(err).__name__}")
        times.append((time.perf_counter() - start) * 1000)
        if budget and times[-1] > budget * 1000 / repeat:
            break  # slow enough that one run says it; keep the whole benchmark bounded
    return Measure(statistics.median(times))


def _rdflib_runner(graph: rdflib.Graph, text: str) -> Callable[[], int]:
    return lambda: len(list(graph.query(text, initNs=PREFIXES)))


def _oxigraph_runner(store: ox.Store, text: str) -> Callable[[], int]:
    def run() -> int:
        results = collect(store.query(text, prefixes=PREFIX_IRIS))
        return len(results.rows) if results.boolean is None else 1

    return run


def _timed_ms(action: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    value = action()
    return value, (time.perf_counter() - start) * 1000


@dataclass
class EngineTimes:
    """One engine's readiness and per-query times on one graph."""

    ready: dict[str, Measure]
    queries: dict[str, Measure]


def bench_oxigraph(
    build_dir: Path,
    params: dict[str, dict[str, str]] | None,
    names: list[str],
    repeat: int,
    log: Callable[[str], None],
) -> tuple[EngineTimes, dict[str, str]]:
    """Oxigraph as kg uses it: load into memory, build, open and query the on-disk store."""
    graph_ttl = build_dir / "graph.ttl"
    _, memory_load = _timed_ms(lambda: memory_store(build_dir))
    with tempfile.TemporaryDirectory(prefix="kg-bench-store-") as scratch:
        _, store_build = _timed_ms(lambda: build_store(graph_ttl, Path(scratch) / "store"))
    store_path = ensure_store(build_dir)
    store_open = measure(lambda: ox.Store.read_only(str(store_path)), max(repeat, 3))
    store = ox.Store.read_only(str(store_path))
    texts = bound_queries(params or synthetic_params(store), names)
    ready = {"memory": Measure(memory_load), "build": Measure(store_build), "open": store_open}
    queries = {}
    for name, text in texts.items():
        queries[name] = measure(_oxigraph_runner(store, text), repeat)
        log(f"  oxigraph {name}: {queries[name]} ms")
    return EngineTimes(ready, queries), texts


def bench_rdflib(
    build_dir: Path, texts: dict[str, str], options: argparse.Namespace, log: Callable[[str], None]
) -> tuple[EngineTimes, int]:
    """rdflib: parse graph.ttl, run each query (stopped after ``--budget`` seconds)."""
    graph, load = _timed_ms(lambda: rdflib.Graph().parse(build_dir / "graph.ttl", format="turtle"))
    queries = {}
    for name, text in texts.items():
        queries[name] = measure(_rdflib_runner(graph, text), options.repeat, options.budget)
        log(f"  rdflib {name}: {queries[name]} ms")
    triples = len(graph)  # type: ignore[arg-type]
    del graph
    gc.collect()
    return EngineTimes({"parse": Measure(load)}, queries), triples


def bound_queries(params: dict[str, dict[str, str]], names: list[str] | None = None) -> dict:
    """The saved queries' texts with their parameters bound."""
    return {
        saved.name: bind_saved_query(saved, params.get(saved.name, {}))
        for saved in saved_queries().values()
        if names is None or saved.name in names
    }


def bench_graph(
    label: str,
    build_dir: Path,
    params: dict[str, dict[str, str]] | None,
    options: argparse.Namespace,
    log: Callable[[str], None],
) -> list[Timing]:
    """Time readiness and every saved query on one build folder, on both engines.

    Oxigraph runs first, so that its times do not include Python's garbage collector
    walking the millions of objects of rdflib's graph.
    """
    log(f"{label}: oxigraph …")
    oxigraph, texts = bench_oxigraph(build_dir, params, options.queries, options.repeat, log)
    log(f"{label}: rdflib …")
    rdflib_times, triples = bench_rdflib(build_dir, texts, options, log)
    parse = rdflib_times.ready["parse"]
    rows = [
        Timing(label, triples, f"ready: parse graph.ttl ‖ {what}", parse, oxigraph.ready[key])
        for key, what in (
            ("memory", "into memory"),
            ("build", "build on-disk store"),
            ("open", "open on-disk store"),
        )
    ]
    for name in texts:
        rows.append(
            Timing(label, triples, name, rdflib_times.queries[name], oxigraph.queries[name])
        )
    if "visited" in texts:
        ready = oxigraph.ready["open" if uses_disk(build_dir) else "memory"]  # as kg query does
        rdflib_visited, oxigraph_visited = (
            rdflib_times.queries["visited"],
            oxigraph.queries["visited"],
        )
        rows.append(
            Timing(
                label,
                triples,
                "kg query visited, end to end (ready + query)",
                Measure(parse.ms + rdflib_visited.ms, rdflib_visited.outcome),
                Measure(ready.ms + oxigraph_visited.ms, oxigraph_visited.outcome),
            )
        )
    return rows


def format_table(rows: list[Timing]) -> str:
    """A Markdown table of the timings."""
    lines = [
        "| graph | triples | query | rdflib ms | oxigraph ms | rdflib ÷ oxigraph |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row.graph} | {row.triples:,} | {row.step} | {row.rdflib} "
            f"| {row.oxigraph} | {row.ratio()} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The benchmark's options (``--help`` lists them)."""
    parser = argparse.ArgumentParser(
        prog="python -m kg.bench sparql",
        description="Time the saved queries on rdflib and on Oxigraph (kg's engine).",
    )
    parser.add_argument(
        "--graph",
        type=Path,
        default=Path("out"),
        help="the seeds' build folder (default: out/, from `kg build`)",
    )
    parser.add_argument(
        "--triples",
        type=int,
        default=1_000_000,
        help="size of the synthetic graph (default: 1,000,000; 0 to skip)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per query (median)")
    parser.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help="seconds rdflib may spend on one query before it is stopped",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the synthetic graph and its store here (default: temporary)",
    )
    parser.add_argument(
        "--queries",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=list(saved_queries()),
        help="comma-separated saved queries to time (default: all)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; 2 when the seeds' graph is missing."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not (args.graph / "graph.ttl").is_file():
        print(
            f"error: {args.graph}/graph.ttl not found; run `kg build -o {args.graph}` first",
            file=sys.stderr,
        )
        return 2

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        rows = bench_graph("seeds", args.graph, SEEDS_PARAMS, args, log)
        if args.triples > 0:
            with tempfile.TemporaryDirectory(prefix="kg-bench-") as scratch:
                workdir = args.workdir or Path(scratch)
                build_dir = workdir / f"synthetic-{args.triples}"
                build_dir.mkdir(parents=True, exist_ok=True)
                if not (build_dir / "graph.ttl").is_file():
                    log(f"synthetic: writing ~{args.triples:,} triples …")
                    write_synthetic_graph(build_dir / "graph.ttl", args.triples)
                rows += bench_graph("synthetic", build_dir, None, args, log)
    except (QueryError, OSError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print(format_table(rows))
    return 0
