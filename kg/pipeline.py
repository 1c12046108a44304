"""The build: files → articles → parse → entities → events → graph and its outputs.

A library first (:func:`prepare`, :func:`extract`, :func:`run`); the CLI only calls it.

GiNZA is the expensive step, so each distinct cleaned text is parsed exactly once:
articles that share a text share its parse, and with a cache (:mod:`kg.cache`) an
unchanged article is neither parsed nor extracted again, while a rule change re-runs
extraction over the cached parses.  The work goes out in chunks of whole articles
(about :data:`CHUNK_CHARS` characters) to this process or to ``jobs`` worker processes;
a chunk's parse units go through one ``nlp.pipe``, its Docs serve extraction and are
dropped, and its facts come back in article order.  So a process holds one chunk's Docs,
never the corpus's, and ``jobs=1`` and ``jobs=N`` give the same graph.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import cache as memoized
from functools import partial
from importlib import metadata
from pathlib import Path

from rdflib import Graph
from spacy.tokens import Doc

from kg.cache import ArticleFacts, Cache, UnitFacts, facts_key, parse_key
from kg.entities import find_mentions
from kg.gazetteer import Gazetteer, load_gazetteer
from kg.graph import NamedMention, build_graph, write_turtle
from kg.load import LoadError, LoadOptions, RawDocument, load
from kg.messages import shown
from kg.model import Article, Event
from kg.nlp import (
    Unit,
    docs_from_bytes,
    docs_to_bytes,
    model_version,
    parse,
    units,
    worker_pool,
)
from kg.outputs import staged_outputs
from kg.relations import Extractor
from kg.relations.arguments import SentenceContext
from kg.relations.trace import SentenceTrace
from kg.resolve import ArticleResolver, EntityTable, acronym_uses, named_mentions
from kg.resources import rules_version

Progress = Callable[[int], None]  # called with the number of characters just processed

CHUNK_CHARS = 5_000  # one task: ~2.5 s of parsing, small enough to keep every worker busy
MIN_CHARS_PER_WORKER = 20_000  # a worker takes ~3 s to start (loading GiNZA)
EXTRACTION_SHARE = 0.1  # extraction over a cached parse costs about this much of a parse
# Modules (and packages: every file in them) whose code decides what extraction finds: a
# change to any re-runs extraction.
EXTRACTION_MODULES = (
    "kg.entities", "kg.resolve", "kg.relations", "kg.gazetteer", "kg.dates", "kg.model",
)  # fmt: skip
_JAPANESE = re.compile("[\u3041-\u3096\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff]")


class BuildError(LoadError):
    """Nothing could be built, or ``strict`` met a bad input; ``problems`` lists each one."""

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True)
class BuildOptions:
    """How a build runs: parse processes, cache folder (None: no cache), strictness, input."""

    jobs: int | None = None  # None: one per core
    cache_dir: Path | None = None
    strict: bool = False
    mentions: bool = True  # record every name as a NIF phrase in the graph
    load: LoadOptions = field(default_factory=LoadOptions)

    @property
    def processes(self) -> int:
        return max(1, self.jobs or os.cpu_count() or 1)


@dataclass
class BuildResult:
    articles: list[Article] = field(default_factory=list)
    entities: EntityTable | None = None
    events: list[Event] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line per skipped input
    notes: list[str] = field(default_factory=list)  # remarks that are not about an input
    graph: Graph | None = None
    seconds: float = 0.0
    parsed: int = 0  # distinct texts parsed in this build
    reextracted: int = 0  # distinct texts extracted again from their cached parse
    reused: int = 0  # distinct texts whose facts came from the cache
    processes: int = 1  # processes that parsed
    mentions: list[NamedMention] = field(default_factory=list)  # every name, per document

    def entity_counts(self) -> Counter[str]:
        assert self.entities is not None
        return Counter(e.kind for e in self.entities.entities.values())

    def relation_counts(self) -> Counter[str]:
        """Distinct direct triples per relation (one fact stated twice counts once)."""
        facts = {(e.agent, e.relation, e.target) for e in self.events if e.is_fact}
        return Counter(relation for _, relation, _ in facts)


# --- Reading and cleaning. ---


def prepare(raw: Iterable[RawDocument | LoadError], problems: list[str]) -> list[Article]:
    """Clean every readable document; unreadable or empty ones are reported, not fatal.

    What a file states itself (a row's or a page's title, date and URL) wins over what
    the cleaner finds in the text.
    """
    articles = []
    for item in raw:
        article = item if isinstance(item, LoadError) else _article(item)
        if isinstance(article, Article):
            articles.append(article)
        else:
            problems.append(str(article))
    return articles


def _article(item: RawDocument) -> Article | str:
    """One cleaned article, or why there is none."""
    from kg.clean import clean

    if not _JAPANESE.search(item.text):
        return f"{item.location}: no Japanese text"
    article = clean(_titled(item), doc_id=item.doc_id, source=item.source, url=item.url)
    if not article.text.strip():
        return f"{item.location}: no article text left after cleaning"
    return _stated_metadata(article, item)


def _titled(item: RawDocument) -> str:
    """The raw text headed by its stated title, so the headline is read like a page's."""
    if not item.title or item.title in item.text[: len(item.title) + 500]:
        return item.text
    return f"# {item.title}\n\n{item.text}"


def _stated_metadata(article: Article, item: RawDocument) -> Article:
    """The article with the title and date its file states in place of the cleaner's."""
    from kg.clean import find_date

    changes: dict[str, object] = {}
    if item.record_id:
        changes["record_id"] = item.record_id
    if item.title:
        changes["title"] = item.title
    date = find_date(item.date) if item.date else None
    if date is not None:
        changes["date"] = date
        if len(article.sections) == 1:  # a list page keeps its items' own dates
            changes["sections"] = (replace(article.sections[0], date=date),)
    return replace(article, **changes) if changes else article


# --- Parsing and extraction. ---


@dataclass(frozen=True)
class _Work:
    """One distinct cleaned text: its parse key and the articles (with facts keys) sharing it."""

    parse_key: str
    articles: tuple[Article, ...]
    facts_keys: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.articles[0].text

    def units(self) -> list[Unit]:
        return list(units(self.parse_key, self.text))

    def chars(self) -> int:
        return sum(len(unit.text) for unit in self.units())


@dataclass(frozen=True)
class _Outcome:
    """What became of one work: facts per article (None where extraction failed)."""

    facts: tuple[ArticleFacts | None, ...]
    problems: tuple[str, ...] = ()
    parsed: bool = False  # parsed now, not read from the cache
    from_cache: bool = False  # facts read from the cache
    rejected: tuple[str, ...] = ()  # cache entries found unusable, deleted (and why)


def extract(
    articles: list[Article],
    *,
    gazetteer: Gazetteer | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    cache: Cache | None = None,
) -> BuildResult:
    """Parse each distinct text once (unless cached) and extract its entities and events.

    ``jobs`` > 1 parses in that many worker processes when there is enough to parse (they
    use the packaged gazetteer, not ``gazetteer``; being spawned, they import the calling
    script, so a script must guard its entry point with ``if __name__ == "__main__":``).
    An article whose parse or extraction fails is left out, with a line in ``problems``.
    """
    gazetteer = gazetteer or load_gazetteer()
    result = BuildResult(entities=EntityTable(gazetteer))
    works = _works(articles, cache)
    rejected: list[str] = []
    for work, outcome in zip(works, _outcomes(works, cache, jobs, gazetteer, result), strict=True):
        rejected.extend(outcome.rejected)
        result.problems.extend(outcome.problems)
        result.parsed += outcome.parsed
        result.reused += outcome.from_cache
        result.reextracted += not (outcome.parsed or outcome.from_cache or outcome.problems)
        for article, facts in zip(work.articles, outcome.facts, strict=True):
            if facts is not None:
                _merge(result, article, facts)
        if progress:
            progress(work.chars() * len(work.articles))
    if rejected:
        entries = f"{len(rejected)} entr" + ("y was" if len(rejected) == 1 else "ies were")
        result.notes.append(f"cache: {entries} not valid, deleted and rebuilt ({rejected[0]})")
    return result


def extract_article(
    article: Article,
    parsed: Iterable[tuple[Doc, Unit]],
    gazetteer: Gazetteer,
    traces: list[SentenceTrace] | None = None,
) -> ArticleFacts:
    """Entities and events of one article from its parsed units, in reading order.

    ``traces``: when given, the rule engine's record of every sentence is added to it
    (what ``kg explain`` shows).
    """
    parsed = list(parsed)
    storms: set[str] = set()  # storms the article names: no actors in any later unit
    mentions = [find_mentions(doc, unit.offset, gazetteer, storms) for doc, unit in parsed]
    resolver = ArticleResolver(gazetteer, scope=article.doc_id)
    resolver.know_agreements(m for unit in mentions for m in unit)
    context = SentenceContext()  # one article: a line's topic carries to the next line
    found = []
    for (doc, unit), unit_mentions in zip(parsed, mentions, strict=True):
        resolved = [(m, resolver.resolve(m)) for m in unit_mentions]
        resolved = acronym_uses(doc, unit.offset, resolved, resolver, gazetteer)
        extractor = Extractor(
            doc,
            unit.offset,
            article,
            gazetteer,
            resolved,
            trace=traces is not None,
            context=context,
        )
        events = extractor.events()
        if traces is not None:
            traces.extend(extractor.sentences)
        found.append(UnitFacts(tuple(resolved), tuple(events)))
    return ArticleFacts(article.doc_id, tuple(found))


def _merge(result: BuildResult, article: Article, facts: ArticleFacts) -> None:
    """Add one article's facts to the build, as if they had just been extracted."""
    assert result.entities is not None
    result.articles.append(article)
    for unit in facts.units:
        for mention, ids in unit.mentions:
            for entity_id in ids:
                result.entities.add(entity_id, mention)
        for mention, ids in named_mentions(unit.mentions, result.entities.gazetteer):
            result.mentions.append((article.doc_id, mention, ids))
        for event in unit.events:
            for entity_id in (event.agent, event.target, *event.attributed_to, event.place):
                if entity_id is not None:
                    result.entities.ensure(entity_id)
        result.events.extend(unit.events)


@memoized
def extraction_version() -> str:
    """A digest of everything extraction depends on but the text: rules, data, code."""
    digest = hashlib.sha256(rules_version().encode())
    digest.update(metadata.version("babel").encode())  # CLDR country names
    for name in EXTRACTION_MODULES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.origin:
            continue
        origin = Path(spec.origin)
        files = sorted(origin.parent.glob("*.py")) if origin.name == "__init__.py" else [origin]
        for path in files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _works(articles: list[Article], cache: Cache | None) -> list[_Work]:
    """The articles grouped by cleaned text, in order of first appearance."""
    model = model_version()
    extraction = extraction_version() if cache is not None else ""
    groups: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        groups[parse_key(article.text, model)].append(article)
    return [
        _Work(key, tuple(group), tuple(facts_key(key, a, extraction) for a in group))
        for key, group in groups.items()
    ]


def _outcomes(
    works: list[_Work],
    cache: Cache | None,
    jobs: int,
    gazetteer: Gazetteer,
    result: BuildResult,
) -> Iterator[_Outcome]:
    """One outcome per work, in order: from the facts cache, or computed."""
    cached: dict[str, _Outcome] = {}
    rejected: dict[str, tuple[str, ...]] = {}
    if cache is not None:
        for work in works:
            found: list[str] = []
            facts = tuple(cache.read_facts(key, found) for key in work.facts_keys)
            rejected[work.parse_key] = tuple(found)
            if all(f is not None for f in facts):
                cached[work.parse_key] = _Outcome(facts, from_cache=True)
    todo = [work for work in works if work.parse_key not in cached]
    computed = _computed(todo, cache, jobs, gazetteer, result)
    for work in works:
        outcome = cached[work.parse_key] if work.parse_key in cached else next(computed)
        noted = rejected.get(work.parse_key, ())
        yield replace(outcome, rejected=noted + outcome.rejected) if noted else outcome


def _computed(
    todo: list[_Work],
    cache: Cache | None,
    jobs: int,
    gazetteer: Gazetteer,
    result: BuildResult,
) -> Iterator[_Outcome]:
    """Outcomes of the works to do, in order, from this process or from worker processes."""
    chunks = list(_chunks(todo))
    result.processes = _processes(jobs, todo, cache)
    if result.processes == 1:
        for chunk in chunks:
            yield from process_chunk(chunk, cache, gazetteer)
        return
    task = partial(process_chunk, cache=cache)
    try:
        with worker_pool(result.processes, _prepare_worker) as pool:
            for outcomes in _in_order(pool, task, chunks, window=2 * result.processes):
                yield from outcomes
    except BrokenProcessPool:
        raise BuildError(
            f"a parse process stopped unexpectedly (out of memory?); try fewer than "
            f"{result.processes} processes (-j)"
        ) from None


def _chunks(works: list[_Work]) -> Iterator[list[_Work]]:
    """Works in runs of about CHUNK_CHARS characters (a long text is a chunk of its own)."""
    chunk: list[_Work] = []
    size = 0
    for work in works:
        chunk.append(work)
        size += len(work.text)
        if size >= CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _processes(jobs: int, todo: list[_Work], cache: Cache | None) -> int:
    """How many processes the work is worth: one per MIN_CHARS_PER_WORKER, at most ``jobs``."""
    if jobs <= 1:
        return 1
    cost = 0.0
    for work in todo:
        parsed = cache is not None and cache.has_parse(work.parse_key)
        cost += len(work.text) * (EXTRACTION_SHARE if parsed else 1.0)
    return max(1, min(jobs, int(cost // max(1, MIN_CHARS_PER_WORKER))))


def _in_order(pool: Executor, task: Callable, items: Iterable, *, window: int) -> Iterator[object]:
    """``task`` over ``items`` in the pool, results in order, at most ``window`` in flight."""
    pending: deque[Future] = deque()
    for item in items:
        pending.append(pool.submit(task, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _prepare_worker() -> None:
    """Load what extraction needs once per worker, before its first task."""
    load_gazetteer()


def process_chunk(
    works: list[_Work], cache: Cache | None = None, gazetteer: Gazetteer | None = None
) -> list[_Outcome]:
    """Parse (or read from the cache) and extract a chunk of works; one bad text fails alone."""
    gazetteer = gazetteer or load_gazetteer()
    rejected: list[str] = []
    try:
        parses = _parses(works, cache, rejected)
    except Exception:  # one text broke the batch: parse each alone to find which
        outcomes = [_process_alone(work, cache, gazetteer, rejected) for work in works]
    else:
        outcomes = [
            _extract_work(work, docs, parsed, cache, gazetteer)
            for work, (docs, parsed) in zip(works, parses, strict=True)
        ]
    if rejected and outcomes:
        outcomes[0] = replace(outcomes[0], rejected=tuple(dict.fromkeys(rejected)))
    return outcomes


def _process_alone(
    work: _Work, cache: Cache | None, gazetteer: Gazetteer, rejected: list[str]
) -> _Outcome:
    try:
        [(docs, parsed)] = _parses([work], cache, rejected)
    except Exception as error:
        return _failed(work, "could not be parsed", error)
    return _extract_work(work, docs, parsed, cache, gazetteer)


def _parses(
    works: list[_Work], cache: Cache | None, rejected: list[str]
) -> list[tuple[list[Doc], bool]]:
    """Each work's Docs (one per unit) and whether they were parsed now.

    Cached parses are read back (unusable ones are deleted and listed in ``rejected``);
    the other texts' units go through one ``nlp.pipe`` and their parses are stored.
    """
    found = [_cached_docs(work, cache, rejected) for work in works]
    missing = [work for work, docs in zip(works, found, strict=True) if docs is None]
    fresh: dict[str, list[Doc]] = defaultdict(list)
    if missing:
        for doc, unit in parse([unit for work in missing for unit in work.units()]):
            fresh[unit.doc_id].append(doc)
    if cache is not None:
        for work in missing:
            _store_parse(cache, work.parse_key, fresh[work.parse_key])
    return [
        (docs, False) if docs is not None else (fresh[work.parse_key], True)
        for work, docs in zip(works, found, strict=True)
    ]


def _store_parse(cache: Cache, key: str, docs: list[Doc]) -> None:
    """Keep a parse in the cache; a parse that cannot be stored is simply not kept."""
    try:
        data = docs_to_bytes(docs)
    except Exception:  # the cache is an optimisation: never fail a build over it
        return
    cache.write_parse(key, data)


def _cached_docs(work: _Work, cache: Cache | None, rejected: list[str]) -> list[Doc] | None:
    """The cached parse of a work's text; None if absent or unusable (then deleted)."""
    if cache is None:
        return None
    data = cache.read_parse(work.parse_key)
    if data is None:
        return None
    try:
        docs = docs_from_bytes(data)
    except Exception as error:  # corrupt bytes: DocBin raises whatever its decoders raise
        return _discarded(cache, work, f"not a parse ({type(error).__name__})", rejected)
    if [doc.text for doc in docs] != [unit.text for unit in work.units()]:
        return _discarded(cache, work, "the parse of another text", rejected)
    return docs


def _discarded(cache: Cache, work: _Work, why: str, rejected: list[str]) -> None:
    cache.discard_parse(work.parse_key)
    rejected.append(f"parse entry {work.parse_key[:12]}…: {why}")


def _extract_work(
    work: _Work, docs: list[Doc], parsed: bool, cache: Cache | None, gazetteer: Gazetteer
) -> _Outcome:
    """Extraction for each article sharing a parsed text; the facts are stored."""
    pairs = list(zip(docs, work.units(), strict=True))
    facts: list[ArticleFacts | None] = []
    problems: list[str] = []
    for article, key in zip(work.articles, work.facts_keys, strict=True):
        try:
            found = extract_article(article, pairs, gazetteer)
        except Exception as error:  # a rule tripping on one text must not stop the build
            facts.append(None)
            problems.append(_problem(article, "extraction failed", error))
            continue
        if cache is not None:
            cache.write_facts(key, found)
        facts.append(found)
    return _Outcome(tuple(facts), tuple(problems), parsed=parsed)


def _failed(work: _Work, what: str, error: Exception) -> _Outcome:
    return _Outcome(
        tuple(None for _ in work.articles),
        tuple(_problem(article, what, error) for article in work.articles),
    )


def _problem(article: Article, what: str, error: Exception) -> str:
    return shown(f"{article.source}: {what} ({type(error).__name__}: {error})")


def total_chars(articles: list[Article]) -> int:
    """Characters the parser sees in ``articles`` (the progress bar's total)."""
    return sum(len(unit.text) for a in articles for unit in units(a.doc_id, a.text))


def _open_cache(folder: Path | None, notes: list[str]) -> Cache | None:
    """The cache in ``folder``, or None (with a note) when there is none or it is not writable."""
    if folder is None:
        return None
    cache = Cache(folder)
    problem = cache.usable()
    if problem:
        notes.append(problem)
        return None
    if removed := cache.remove_leftovers():
        files = f"{removed} temporary file" + ("s" if removed > 1 else "")
        notes.append(f"cache: removed {files} left by an interrupted build")
    return cache


def run(
    paths: list[Path],
    out_dir: Path,
    *,
    progress_factory: Callable[[int], Progress] | None = None,
    options: BuildOptions | None = None,
) -> BuildResult:
    """The whole build: read, extract, write graph.ttl, graph.html and report.md.

    Bad inputs are skipped and listed in ``result.problems``; BuildError when nothing
    could be built, or, with ``options.strict``, when any input was bad.
    """
    from kg import render, report
    from kg.analyze import add_scores, centrality, entity_graph

    options = options or BuildOptions()
    started = time.perf_counter()
    problems: list[str] = []
    articles = prepare(load(paths, options.load), problems)
    _check(articles, problems, options.strict)
    notes: list[str] = []
    cache = _open_cache(options.cache_dir, notes)
    progress = progress_factory(total_chars(articles)) if progress_factory else None
    result = extract(articles, progress=progress, jobs=options.processes, cache=cache)
    result.problems = problems + result.problems
    result.notes = notes + result.notes
    _check(result.articles, result.problems, options.strict)
    articles = result.articles
    assert result.entities is not None
    graph = build_graph(
        articles,
        result.entities.entities.values(),
        result.events,
        result.mentions if options.mentions else None,
    )
    network = entity_graph(graph)
    scores = centrality(network)
    add_scores(graph, scores)
    dates = sorted(a.date.isoformat() for a in articles if a.date)
    span = f", {dates[0]} – {dates[-1]}" if dates else ""
    title = f"kg: {len(articles)} article" + ("s" if len(articles) != 1 else "") + span
    built = time.strftime("%Y-%m-%d %H:%M")
    # The outputs are written apart and swapped in as a set (see kg.outputs).
    with staged_outputs(out_dir) as staging:
        write_turtle(graph, staging / "graph.ttl")
        render.render_html(network, staging / "graph.html", title=title, built=built)
        report.write_report(graph, network, scores, staging / "report.md", title=title)
    result.graph = graph
    result.seconds = time.perf_counter() - started
    return result


def _check(articles: list[Article], problems: list[str], strict: bool) -> None:
    """Raise BuildError when nothing can be built, or when ``strict`` and anything was bad."""
    if strict and problems:
        count = f"{len(problems)} bad input" + ("s" if len(problems) > 1 else "")
        raise BuildError(f"--strict: {count}; nothing built", problems)
    if not articles:
        reason = "every input was skipped" if problems else "no article files found"
        raise BuildError(f"nothing to build: {reason}", problems)
