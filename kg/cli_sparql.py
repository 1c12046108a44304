"""`kg query` and the other SPARQL-facing commands (serve, push, validate, export)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kg.cli import GraphOption, app, fail, out


@app.command()
def query(
    sparql: Annotated[
        str | None,
        typer.Argument(help="SPARQL text, a .rq file, or a saved query's name (see --list)."),
    ] = None,
    graph: GraphOption = Path("out"),
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table, csv, tsv or json (SPARQL JSON results).")
    ] = "table",
    list_saved: Annotated[bool, typer.Option("--list", help="List the saved queries.")] = False,
) -> None:
    """Run a SPARQL query over a built graph.

    Examples:

      kg query --list

      kg query visited

      kg query 'SELECT ?s WHERE { ?s kg:signed ?o }' --format csv

      kg query my.rq -g out/graph.ttl --format json
    """
    from kg import query as q

    if list_saved:
        for saved in q.saved_queries().values():
            out.print(f"[bold]{saved.name:<12}[/] {escape(saved.description)}", highlight=False)
        return
    if not sparql:
        raise fail("give a SPARQL query, a .rq file or a saved query name (kg query --list)", 2)
    if fmt not in ("table", "csv", "tsv", "json"):
        raise fail(f"unknown format '{fmt}' (table, csv, tsv, json)", 2)
    try:
        store = q.open_store(graph)
        results = q.run_query(store, q.resolve_query(sparql))
    except q.QueryError as problem:
        raise fail(str(problem)) from None
    if fmt == "json":
        sys.stdout.write(q.to_json(results) + "\n")
    elif fmt in ("csv", "tsv"):
        sys.stdout.write(q.to_csv(results, "," if fmt == "csv" else "\t"))
    else:
        table = Table(*(results.variables or ["boolean"]), show_lines=False)
        for row in q.table_rows(results):
            table.add_row(*row)
        out.print(table)
        out.print(f"{len(table.rows)} row(s)", style="dim")
