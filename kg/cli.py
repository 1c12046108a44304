"""The `kg` command line: parses arguments, calls the library, prints.  No logic here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

app = typer.Typer(
    help="Turn Japanese news articles into a knowledge graph of who signed, visited, "
    "supplied and condemned what, with the sentence behind every edge.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

GraphOption = Annotated[
    Path, typer.Option("-g", "--graph", help="A build folder (its graph.ttl) or a .ttl file.")
]


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _progress_factory(progress: Progress):
    def factory(total: int):
        task = progress.add_task("parsing", total=total)
        return lambda n: progress.advance(task, n)

    return factory


@app.command()
def build(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Article files or folders (default: seeds/).")
    ] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Output folder.")] = Path("out"),
) -> None:
    """Build the graph: writes DIR/graph.ttl, DIR/graph.html and DIR/report.md.

    Examples:

      kg build                      # the sample articles in seeds/

      kg build news/ extra.txt -o build/
    """
    from kg.load import LoadError
    from kg.nlp import ModelMissingError
    from kg.pipeline import run

    sources = paths or [Path("seeds")]
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} chars"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=err, transient=True) as progress:
            result = run(sources, output, progress_factory=_progress_factory(progress))
    except (LoadError, ModelMissingError) as problem:
        raise fail(str(problem)) from None
    except OSError as problem:
        raise fail(f"{problem.filename or output}: {problem.strerror or problem}") from None
    for message in result.problems:
        err.print(f"[yellow]skipped:[/] {escape(message)}", highlight=False, soft_wrap=True)
    _summary(result, output)


def _summary(result, output: Path) -> None:
    entities, relations = result.entity_counts(), result.relation_counts()
    table = Table(title=f"kg build → {output}/", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("documents", str(len(result.articles)))
    for kind, count in sorted(entities.items()):
        table.add_row(f"entities: {kind}", str(count))
    for relation in ("signed", "visited", "supplied", "condemned"):
        table.add_row(f"relations: {relation}", str(relations.get(relation, 0)))
    table.add_row("event mentions", str(len(result.events)))
    table.add_row("seconds", f"{result.seconds:.1f}")
    out.print(table)
    out.print(f"wrote {output}/graph.ttl, {output}/graph.html, {output}/report.md")


@app.command("eval")
def eval_(
    gold: Annotated[Path, typer.Argument(help="Gold facts, JSON Lines (tests/gold/seeds.jsonl).")],
    graph: GraphOption = Path("out"),
    include_implied: Annotated[
        bool, typer.Option("--implied", help="Also count gold facts marked as only implied.")
    ] = False,
    show: Annotated[bool, typer.Option(help="List the misses and false positives.")] = True,
) -> None:
    """Precision, recall and F1 per relation against a hand-written gold set.

    Examples:

      kg eval tests/gold/seeds.jsonl

      kg eval tests/gold/seeds.jsonl -g build/ --implied --no-show
    """
    import rdflib

    from kg import evaluate as ev
    from kg.query import QueryError, graph_file

    try:
        facts = ev.read_gold(gold, include_implied)
        built = rdflib.Graph().parse(graph_file(graph), format="turtle")
    except (OSError, ValueError, QueryError) as problem:
        raise fail(str(problem)) from None
    result = ev.evaluate(facts, ev.predicted_facts(built))
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
    if show:
        for heading, facts_ in (
            ("missed", result.misses),
            ("false positives", result.false_positives),
        ):
            out.print(f"[bold]{heading}[/] ({len(facts_)})")
            for fact in facts_:
                line = f"  {fact[0][:3]} {fact[1]} {fact[2]} {fact[3]}  "
                out.print(
                    escape(line) + f"[dim]{escape(result.evidence.get(fact, '')[:70])}[/]",
                    highlight=False,
                    soft_wrap=True,
                )


# Commands kept in their own modules register themselves on `app` when imported.
from kg import cli_explore, cli_sparql  # noqa: E402, F401


def main() -> None:
    app(prog_name="kg")


if __name__ == "__main__":
    main()
