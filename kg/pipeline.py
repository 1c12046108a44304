"""The build: files → articles → parse → entities → events → graph and its outputs.

A library function first (:func:`extract`, :func:`build`); the CLI only calls it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg.entities import find_mentions
from kg.gazetteer import Gazetteer, load_gazetteer
from kg.graph import build_graph, write_turtle
from kg.load import LoadError, RawDocument, load
from kg.model import Article, Event, Mention
from kg.nlp import Unit, parse, units
from kg.relations import Extractor
from kg.resolve import ArticleResolver, EntityTable

Progress = Callable[[int], None]  # called with the number of characters just parsed


@dataclass
class BuildResult:
    articles: list[Article] = field(default_factory=list)
    entities: EntityTable | None = None
    events: list[Event] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    graph: Graph | None = None
    seconds: float = 0.0

    def entity_counts(self) -> Counter[str]:
        assert self.entities is not None
        return Counter(e.kind for e in self.entities.entities.values())

    def relation_counts(self) -> Counter[str]:
        return Counter(e.relation for e in self.events if e.is_fact)


def prepare(raw: Iterable[RawDocument | LoadError], problems: list[str]) -> list[Article]:
    """Clean every readable document; unreadable or empty ones are reported, not fatal."""
    from kg.clean import clean

    articles = []
    for item in raw:
        if isinstance(item, LoadError):
            problems.append(str(item))
            continue
        article = clean(item.text, doc_id=item.doc_id, source=item.source)
        if not article.text.strip():
            problems.append(f"{item.source}: no article text left after cleaning")
            continue
        articles.append(article)
    return articles


def extract(
    articles: list[Article], *, gazetteer: Gazetteer | None = None, progress: Progress | None = None
) -> BuildResult:
    """Parse each article once and extract its entities and events."""
    gazetteer = gazetteer or load_gazetteer()
    result = BuildResult(articles=articles, entities=EntityTable(gazetteer))
    by_id = {a.doc_id: a for a in articles}
    resolver: ArticleResolver | None = None
    current = None
    for doc, unit in parse(_all_units(articles)):
        article = by_id[unit.doc_id]
        if unit.doc_id != current:
            current, resolver = unit.doc_id, ArticleResolver(gazetteer)
        assert resolver is not None
        resolved: list[tuple[Mention, tuple[str, ...]]] = []
        for mention in find_mentions(doc, unit.offset, gazetteer):
            ids = resolver.resolve(mention)
            for entity_id in ids:
                result.entities.add(entity_id, mention)
            resolved.append((mention, ids))
        events = Extractor(doc, unit.offset, article, gazetteer, resolved).events()
        for event in events:
            for entity_id in (event.agent, event.target, *event.attributed_to):
                result.entities.ensure(entity_id)
        result.events.extend(events)
        if progress:
            progress(len(unit.text))
    return result


def _all_units(articles: list[Article]) -> Iterator[Unit]:
    for article in articles:
        yield from units(article.doc_id, article.text)


def total_chars(articles: list[Article]) -> int:
    return sum(len(u.text) for u in _all_units(articles))


def run(paths: list[Path], out_dir: Path, *, progress_factory=None) -> BuildResult:
    """The whole build: read, extract, write graph.ttl, graph.html and report.md."""
    from kg.analyze import add_scores, centrality, entity_graph
    from kg.render import render_html
    from kg.report import write_report

    started = time.perf_counter()
    problems: list[str] = []
    articles = prepare(load(paths), problems)
    if not articles:
        raise LoadError("; ".join(problems) or "no article files found")
    progress = progress_factory(total_chars(articles)) if progress_factory else None
    result = extract(articles, progress=progress)
    result.problems = problems
    assert result.entities is not None
    graph = build_graph(articles, result.entities.entities.values(), result.events)
    network = entity_graph(graph)
    scores = centrality(network)
    add_scores(graph, scores)
    title = "kg: " + ", ".join(a.source for a in articles[:3]) + (" …" if len(articles) > 3 else "")
    built = time.strftime("%Y-%m-%d %H:%M")
    # Every output is written to a temporary file and renamed into place.
    write_turtle(graph, out_dir / "graph.ttl")
    render_html(network, out_dir / "graph.html", title=title, built=built)
    write_report(graph, network, scores, out_dir / "report.md", title=title)
    result.graph = graph
    result.seconds = time.perf_counter() - started
    return result
