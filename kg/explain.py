"""The rule debugger behind ``kg explain``: what the engine saw and decided, sentence by
sentence, as the build does it.

An article is parsed, its entities found and resolved and its relations extracted by the
very functions ``kg build`` calls (:func:`kg.pipeline.extract_article`), with the rule
engine asked to keep its trace (:mod:`kg.relations.trace`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from kg.model import Article, Section
from kg.relations.trace import SentenceTrace


def article_of_text(text: str, published: dt.date | None = None) -> Article:
    """A text given on the command line as an article (no cleaning: it is read as is)."""
    return Article("text", "text", text, None, published, sections=(Section(0, len(text)),))


def articles_of_file(path: Path) -> list[Article]:
    """The articles of a file, loaded and cleaned as ``kg build`` does; LoadError if none."""
    from kg.load import LoadError, load
    from kg.pipeline import prepare

    problems: list[str] = []
    articles = prepare(load([path]), problems)
    if not articles:
        raise LoadError(problems[0] if problems else f"{path}: no article")
    return articles


def explain(article: Article) -> list[SentenceTrace]:
    """The engine's trace of every sentence of an article, numbered from 0."""
    from kg.gazetteer import load_gazetteer
    from kg.nlp import parse, units
    from kg.pipeline import extract_article

    parsed = list(parse(list(units(article.doc_id, article.text))))
    traces: list[SentenceTrace] = []
    extract_article(article, parsed, load_gazetteer(), traces)
    for number, sentence in enumerate(traces):
        sentence.index = number
    return traces


def as_json(traces: list[SentenceTrace]) -> list[dict]:
    """Traces as plain JSON data (dates as ISO strings)."""
    return [_plain(dataclasses.asdict(t)) for t in traces]


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
