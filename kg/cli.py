"""The `kg` command line: parses arguments, calls the library, prints.  No logic here."""

from __future__ import annotations

import contextlib
import inspect
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from kg.messages import shown

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


def say(label: str, message: object, console: Console = err) -> None:
    """Print one message line after a (markup) label: the message is untrusted text, its
    markup and control characters escaped."""
    console.print(f"{label} {escape(shown(message))}", highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    say("[bold red]error:[/]", message)
    return typer.Exit(code)


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[dict[str, str]]:
    """While the block runs, SIGTERM stops it as Ctrl-C does (KeyboardInterrupt), so worker
    processes are stopped and no half set of outputs is swapped in.  The dict it gives
    names the signal once one came."""
    stopped: dict[str, str] = {}

    def interrupt(signum: int, frame: object) -> None:
        stopped["signal"] = signal.Signals(signum).name
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave SIGTERM as it is
        yield stopped
        return
    try:
        yield stopped
    finally:
        signal.signal(signal.SIGTERM, previous)


def _progress_factory(progress: Progress):
    def factory(total: int):
        task = progress.add_task("parsing", total=total)
        return lambda n: progress.advance(task, n)

    return factory


@app.command()
def build(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Article files or folders, searched recursively (default: seeds/). "
            "Formats: .txt .md .html .htm (one article each), .jsonl .csv (one a row)."
        ),
    ] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Output folder.")] = Path("out"),
    jobs: Annotated[
        int | None,
        typer.Option(
            "-j",
            "--jobs",
            min=1,
            help="Parse with up to N processes (default: one per core). Small builds use fewer.",
        ),
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option(
            "--cache",
            metavar="DIR",
            help="Cache folder for parses and facts (default: .kg-cache/ beside the output "
            "folder). Safe to delete.",
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the cache.")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Any bad input is fatal (default: skip it and go on)."),
    ] = False,
    text_field: Annotated[
        str,
        typer.Option(
            "--text-field", metavar="NAME", help="The text key/column of .jsonl and .csv files."
        ),
    ] = "text",
    max_size: Annotated[
        float,
        typer.Option(
            "--max-size",
            metavar="MB",
            min=0.001,
            help="Skip one-article files (.txt, .md, .html) larger than this; .jsonl and "
            ".csv files are streamed whatever their size.",
        ),
    ] = 5.0,
    no_mentions: Annotated[
        bool,
        typer.Option(
            "--no-mentions",
            help="Leave out the NIF mentions (every name's offsets and the article texts); "
            "a smaller graph.ttl.",
        ),
    ] = False,
) -> None:
    """Build the graph: writes DIR/graph.ttl, DIR/graph.html and DIR/report.md.

    Bad inputs (missing, empty, binary, undecodable, no Japanese, too large) are skipped
    with one line each; the build fails only when nothing could be built (or with
    --strict). Unchanged articles are neither parsed nor extracted again (see --cache).

    Examples:

      kg build                      # the sample articles in seeds/

      kg build news/ extra.txt -o build/

      kg build archive.jsonl --text-field body -j 4

      kg build scraped/ --no-cache --strict
    """
    from kg.cache import default_cache_dir
    from kg.load import MEGABYTE, LoadError, LoadOptions
    from kg.nlp import ModelMissingError
    from kg.pipeline import BuildError, BuildOptions, run

    sources = paths or [Path("seeds")]
    options = BuildOptions(
        jobs=jobs,
        cache_dir=None if no_cache else (cache or default_cache_dir(output)),
        strict=strict,
        load=LoadOptions(text_field=text_field, max_bytes=int(max_size * MEGABYTE)),
        mentions=not no_mentions,
    )
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} chars"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    try:
        with (
            _sigterm_interrupts() as stopped,
            Progress(*columns, console=err, transient=True) as progress,
        ):
            result = run(
                sources, output, progress_factory=_progress_factory(progress), options=options
            )
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (see _sigterm_interrupts)
        raise fail(
            f"interrupted ({stopped.get('signal', 'Ctrl-C')}): parse processes stopped; "
            f"{output}/ holds the last complete set of outputs",
            143 if stopped else 130,
        ) from None
    except BuildError as problem:
        label = "[bold red]error:[/]" if strict else "[yellow]skipped:[/]"
        for message in problem.problems:
            say(label, message)
        raise fail(str(problem)) from None
    except (LoadError, ModelMissingError) as problem:
        raise fail(str(problem)) from None
    except OSError as problem:
        raise fail(f"{problem.filename or output}: {problem.strerror or problem}") from None
    except Exception as problem:  # a bug: one line for the user, the traceback on demand
        if os.environ.get("KG_DEBUG"):
            raise
        raise fail(
            f"build failed: {type(problem).__name__}: {problem} (KG_DEBUG=1 shows the traceback)"
        ) from None
    for message in result.problems:
        say("[yellow]skipped:[/]", message)
    for message in result.notes:
        say("[yellow]note:[/]", message)
    _summary(result, output)
    texts = result.parsed + result.reextracted + result.reused
    out.print(
        f"{texts} distinct texts: {result.parsed} parsed with {result.processes} "
        f"process{'es' if result.processes > 1 else ''}, {result.reextracted} re-extracted "
        f"from cached parses, {result.reused} unchanged"
        + ("" if options.cache_dir else " (no cache)"),
        highlight=False,
    )


def _summary(result, output: Path) -> None:
    entities, relations = result.entity_counts(), result.relation_counts()
    table = Table(title=f"kg build → {escape(shown(output))}/", show_header=True)
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
    folder = escape(shown(output))
    out.print(f"wrote {folder}/graph.ttl, {folder}/graph.html, {folder}/report.md", highlight=False)


def main() -> None:
    """The ``kg`` command: the Typer app, with a broken data file under ontology/ (an edit
    to rules.yaml gone wrong) reported in one line wherever it is first read."""
    from kg.resources import DataFileError

    try:
        app(prog_name="kg")
    except DataFileError as problem:
        err.print(f"[bold red]error:[/] {escape(str(problem))}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None


# Commands kept in their own modules register themselves on `app` when imported.
from kg import cli_eval, cli_explain, cli_explore, cli_sparql  # noqa: E402, F401


def reflow(doc: str) -> str:
    r"""A docstring as --help text: prose paragraphs on one line each (the terminal wraps
    them), indented lines such as examples kept as they are.

    >>> reflow("Build.\n\n    Bad input is\n    skipped.\n\n    Examples:\n\n      kg build  # x")
    'Build.\n\nBad input is skipped.\n\nExamples:\n\n  kg build  # x'
    """
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(
        p if p.startswith(" ") else " ".join(line.strip() for line in p.splitlines())
        for p in paragraphs
    )


for _command in app.registered_commands:
    if _command.help is None and _command.callback is not None and _command.callback.__doc__:
        _command.help = reflow(_command.callback.__doc__)


if __name__ == "__main__":
    main()
