"""`kg explain`: the rule debugger, sentence by sentence."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kg.cli import app, fail, out

FORMATS = ("text", "json")


@app.command()
def explain(
    source: Annotated[
        str,
        typer.Argument(
            help="Japanese text, or a file (.txt .md .html .jsonl .csv) whose articles are "
            "read and cleaned as kg build reads them.",
            metavar="TEXT|FILE",
        ),
    ],
    sentence: Annotated[
        int | None,
        typer.Option("--sentence", "-s", min=0, help="Only sentence N (counted from 0)."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text (the terminal) or json (for tools).")
    ] = "text",
    published: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="Publication date of a TEXT (dates like 19日 and tense read against it).",
        ),
    ] = None,
) -> None:
    """Show how the rules read each sentence: for people who edit ontology/rules.yaml.

    Per sentence: its bunsetu and what each depends on, the entity mentions with their
    classes and ids, every trigger found and, per rule, which slots it searched and what
    filled them or why nothing did (no phrase, no entity, wrong class, adverbial noun …),
    the modality decided and why, and the events made. The trace is the engine's own,
    recorded as kg build runs it.

    Examples:

      kg explain "ロシアのプーチン大統領は19日、平壌に到着した。"

      kg explain seeds/001_e288e0d9f7caf19c.txt --sentence 3

      kg explain article.html --format json > trace.json
    """
    from kg.explain import article_of_text, articles_of_file, as_json
    from kg.explain import explain as run
    from kg.load import LoadError
    from kg.nlp import ModelMissingError

    if output_format not in FORMATS:
        raise fail(f"--format must be one of: {', '.join(FORMATS)}")
    try:
        date = dt.date.fromisoformat(published) if published else None
    except ValueError:
        raise fail(f"--date {published!r}: not a date (YYYY-MM-DD)") from None
    path = Path(source)
    try:
        is_file = len(source) < 4096 and "\n" not in source and path.exists()
    except OSError:
        is_file = False
    try:
        articles = articles_of_file(path) if is_file else [article_of_text(source, date)]
        traced = [(article, run(article)) for article in articles]
    except (LoadError, ModelMissingError) as problem:
        raise fail(str(problem)) from None
    if sentence is not None:
        traced = [(a, [t for t in traces if t.index == sentence]) for a, traces in traced]
        if not any(traces for _, traces in traced):
            raise fail(f"there is no sentence {sentence} (sentences count from 0)")
    if output_format == "json":
        data = [
            {"document": a.source, "title": a.title, "sentences": as_json(traces)}
            for a, traces in traced
        ]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for article, traces in traced:
        if len(traced) > 1 or is_file:
            out.print(f"[bold]{escape(article.source)}[/] {escape(article.title or '')}")
        for trace in traces:
            _print_sentence(trace)


def _print_sentence(trace) -> None:
    out.rule(f"sentence {trace.index} · chars {trace.start}–{trace.start + len(trace.text)}")
    out.print(escape(trace.text.strip()), highlight=False, soft_wrap=True)
    if trace.bunsetu:
        chunks = [
            f"{b.index}:{escape(b.text)}"
            + ("" if b.head == b.index else f"→{b.head}[dim]{b.dep}[/]")
            for b in trace.bunsetu
        ]
        out.print("[bold]bunsetu[/] " + "  ".join(chunks), highlight=False, soft_wrap=True)
    if trace.mentions:
        names = [
            f"{escape(m.text)} [cyan]{m.kind}[/]"
            + (f"→{escape(','.join(m.ids))}" if m.ids else "→[red]unresolved[/]")
            + f" [dim]{m.source}[/]"
            for m in trace.mentions
        ]
        out.print("[bold]mentions[/] " + " · ".join(names), highlight=False, soft_wrap=True)
    if trace.note:
        out.print(f"[dim]{escape(trace.note)}[/]")
    elif not trace.rules:
        out.print("[dim]no trigger[/]")
    for rule in trace.rules:
        out.print(
            f"[bold]{escape(rule.rule_id)}[/] on [yellow]{escape(rule.trigger)}[/] "
            f"(token {rule.trigger_index}): {escape(rule.outcome)}",
            highlight=False,
        )
        for slot in rule.slots:
            ids = f" → {escape(', '.join(slot.ids))}" if slot.ids else ""
            detail = f" [dim]({escape(slot.detail)})[/]" if slot.detail else ""
            phrase = escape(slot.phrase) or "—"
            out.print(
                f"    {slot.role:<6} {slot.slot:<14} {phrase}  {escape(slot.outcome)}{ids}{detail}",
                highlight=False,
                soft_wrap=True,
            )
        for note in rule.notes:
            out.print(f"    [dim]{escape(note)}[/]", highlight=False)
        if rule.modality:
            by = f" by {escape(', '.join(rule.attributed))}" if rule.attributed else ""
            reason = escape(rule.modality_reason)
            out.print(
                f"    modality [magenta]{rule.modality}[/]{by} [dim]({reason})[/]", highlight=False
            )
        for event in rule.events:
            fact = "fact" if event.is_fact else "no direct triple"
            out.print(
                f"    ⇒ {escape(event.agent)} [green]{event.relation}[/] {escape(event.target)}"
                f" [dim]({event.modality}, {fact})[/]",
                highlight=False,
            )
    if trace.topic:
        out.print(f"[dim]topic carried on: {escape(', '.join(trace.topic))}[/]", highlight=False)
