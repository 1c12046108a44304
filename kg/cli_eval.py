"""`kg eval`: precision, recall and F1 of a built graph against gold facts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kg.cli import GraphOption, app, fail, out
from kg.cli_explore import _read_graph


@app.command("eval")
def eval_(
    gold: Annotated[
        Path,
        typer.Argument(
            help="Gold facts: JSON Lines (tests/gold/seeds.jsonl) or real-news gold, one "
            "JSON object (../shared/realnews/dev/gold.json)."
        ),
    ],
    graph: GraphOption = Path("out"),
    include_implied: Annotated[
        bool,
        typer.Option("--implied", help="JSON Lines gold: also count facts marked as implied."),
    ] = False,
    show: Annotated[
        bool, typer.Option(help="List the misses, false positives and forbidden facts found.")
    ] = True,
    articles: Annotated[
        bool, typer.Option(help="Real-news gold: the scores of each article.")
    ] = True,
    why: Annotated[
        bool,
        typer.Option(
            "--why",
            help="Real-news gold: under each miss, what the rule engine did in the sentences "
            "that name its arguments (parses them again: needs the GiNZA model).",
        ),
    ] = False,
) -> None:
    """Precision, recall and F1 per relation against a gold set.

    Two formats. JSON Lines: one fact a line with doc (the file name), agent, relation
    and target (entity ids, as in the graph's IRIs); it matches an asserted or reported
    event of that document; facts marked "implied": true count only with --implied.
    Real-news gold (one JSON object, ../shared/realnews/GUIDELINES.md): entities with every
    spelling ("re:" for a pattern), required, optional and forbidden facts, each a fact or
    a list of alternatives; scored over the graph as a whole (a node matches an entity by
    its labels), with the scores of each article, every miss with the sentences of its
    article that name its arguments, every false positive with its evidence, rule and
    modality, and every forbidden fact found.

    Examples:

      kg eval tests/gold/seeds.jsonl

      kg eval tests/gold/seeds.jsonl -g build/ --implied --no-show

      kg eval news/dev/gold.json -g dev --why --no-articles

      kg build news/dev/articles -o dev && kg eval news/dev/gold.json -g dev
    """
    from kg import evaluate as ev

    try:
        realnews = ev.is_realnews_gold(gold)
        gold_data = ev.read_realnews_gold(gold) if realnews else ev.read_gold(gold, include_implied)
    except OSError as problem:
        raise fail(f"{gold}: {problem.strerror or problem}") from None
    except (ValueError, UnicodeDecodeError) as problem:
        raise fail(str(problem)) from None
    built = _read_graph(graph)
    if realnews:
        result = ev.evaluate_realnews(gold_data, built)
        traces = _engine_traces(built, result) if why and show else {}
        _print_realnews(result, gold_data, show, articles, traces)
    else:
        _print_facts(ev.evaluate(gold_data, ev.predicted_facts(built)), show)


def _print_facts(result, show: bool) -> None:
    table = Table("relation", "gold", "predicted", "correct", "P", "R", "F1")
    for score in result.scores:
        table.add_row(
            score.relation,
            str(score.gold),
            str(score.predicted),
            str(score.correct),
            f"{score.precision:.3f}",
            f"{score.recall:.3f}",
            f"{score.f1:.3f}",
        )
    out.print(table)
    if not show:
        return
    for heading, facts in (("missed", result.misses), ("false positives", result.false_positives)):
        out.print(f"[bold]{heading}[/] ({len(facts)})")
        for fact in facts:
            line = f"  {fact[0][:3]} {fact[1]} {fact[2]} {fact[3]}  "
            evidence = escape(result.evidence.get(fact, "")[:70])
            out.print(escape(line) + f"[dim]{evidence}[/]", highlight=False, soft_wrap=True)


def _engine_traces(graph, result) -> dict[str, list]:
    """The rule engine's trace of every article with a miss, by document file name."""
    from kg.explain import explain
    from kg.nlp import ModelMissingError

    documents = {item[0][3] for item in result.misses} & set(result.texts)
    traces = {}
    try:
        for document, article in _articles(graph, documents).items():
            traces[document] = explain(article)
    except ModelMissingError as problem:
        raise fail(str(problem)) from None
    return traces


def _articles(graph, documents: set[str]) -> dict:
    """The articles of the graph's documents, rebuilt from their NIF text, date and title."""
    import datetime as dt

    from kg.model import Article, Section
    from kg.vocab import sparql_prefixes

    query = (
        sparql_prefixes()
        + """
    SELECT ?d ?source ?text ?date ?title WHERE {
      ?d dcterms:source ?source ; kg:context ?c . ?c nif:isString ?text .
      OPTIONAL { ?d dcterms:date ?date } OPTIONAL { ?d dcterms:title ?title }
    }"""
    )
    found = {}
    for row in graph.query(query):
        source = str(row.source)
        if source not in documents:
            continue
        date = dt.date.fromisoformat(str(row.date)) if row.date else None
        text = str(row.text)
        doc_id = str(row.d).rpartition("/")[2]
        title = str(row.title) if row.title else None
        found[source] = Article(
            doc_id, source, text, title, date, sections=(Section(0, len(text), title, date),)
        )
    return found


def _print_why(item, text: str, traces: list, gold) -> None:
    """What the engine did in the sentences of a miss's article that name its arguments."""
    for sentence in _naming(text, item, gold):
        trace = next((t for t in traces if sentence in t.text or t.text.strip() in sentence), None)
        if trace is None:
            continue
        if trace.note:
            out.print(f"      [yellow]↳ {escape(trace.note)}[/]", highlight=False)
        elif not trace.rules:
            out.print("      [yellow]↳ no trigger in this sentence[/]", highlight=False)
        for rule in trace.rules:
            filled = ", ".join(
                f"{s.role}={','.join(s.ids)}" for s in rule.slots if s.outcome == "filled"
            )
            modality = f" [{rule.modality}]" if rule.modality else ""
            out.print(
                f"      [yellow]↳ {escape(rule.rule_id)} on {escape(rule.trigger)}: "
                f"{escape(rule.outcome)}{modality}[/] [dim]{escape(filled)}[/]",
                highlight=False,
                soft_wrap=True,
            )


def _print_realnews(result, gold, show: bool, articles: bool, traces: dict) -> None:
    from kg.model import RELATIONS

    table = Table(
        "relation", "gold items", "found", "predicted", "correct", "P", "R", "F1",
        title="graph level",
    )  # fmt: skip
    for relation in (*RELATIONS, "overall"):
        _score_row(table, relation, result.scores[relation])
    out.print(table)
    if articles:
        table = Table(
            "article", "gold items", "found", "predicted", "correct", "P", "R", "F1",
            title="per article",
        )  # fmt: skip
        for document, score in sorted(result.articles.items()):
            if score.items or score.predicted:
                _score_row(table, document, score)
        out.print(table)
    if not show:
        return
    out.print(f"[bold]missed[/] ({len(result.misses)})")
    for item in result.misses:
        document = item[0][3]
        alternatives = " | ".join(f"{a} {r} {t}" for a, r, t, _ in item)
        out.print(f"  {escape(document)}  {escape(alternatives)}", highlight=False, soft_wrap=True)
        text = result.texts.get(document)
        if text is None:
            out.print("    [dim](no article text in the graph: built with --no-mentions?)[/]")
            continue
        for sentence in _naming(text, item, gold):
            out.print(f"    [dim]{escape(sentence[:160])}[/]", highlight=False, soft_wrap=True)
        if document in traces:
            _print_why(item, text, traces[document], gold)
    out.print(f"[bold]false positives[/] ({len(result.false_positives)})")
    for (_, relation, _), agent, target, rows in result.false_positives:
        row = rows[0]
        more = f" (+{len(rows) - 1} more)" if len(rows) > 1 else ""
        out.print(
            f"  {escape(row.document)}  {escape(agent)} {relation} {escape(target)}  "
            f"[cyan]{escape(row.rule)}[/] [magenta]{row.modality}[/]{more}",
            highlight=False,
            soft_wrap=True,
        )
        out.print(f"    [dim]{escape(row.evidence[:160])}[/]", highlight=False, soft_wrap=True)
    out.print(f"[bold]forbidden facts found[/] ({len(result.forbidden)})")
    for fact, _, rows in result.forbidden:
        out.print(f"  {escape(fact[3])}  {escape(' '.join(fact[:3]))}", highlight=False)
        out.print(f"    [dim]{escape(rows[0].evidence[:160])}[/]", highlight=False, soft_wrap=True)


def _naming(text: str, item, gold) -> list[str]:
    """The sentences of a miss's article that name its agent and its target (any
    alternative's), those naming both first."""
    from kg.evaluate import Names, sentences_naming

    def union(keys: set[str]) -> Names:
        names = [gold.entities[k] for k in keys]
        return Names(
            frozenset().union(*(n.exact for n in names)),
            tuple(p for n in names for p in n.patterns),
        )

    agents, targets = {f[0] for f in item}, {f[2] for f in item}
    return sentences_naming(text, [union(agents), union(targets)])


def _score_row(table: Table, name: str, score) -> None:
    table.add_row(
        escape(name),
        str(score.items),
        str(score.hits),
        str(score.predicted),
        str(score.correct),
        f"{score.precision:.3f}",
        f"{score.recall:.3f}",
        f"{score.f1:.3f}",
    )
