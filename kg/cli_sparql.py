"""`kg query`, `kg serve`, `kg push`, `kg validate` and `kg export`: the SPARQL-facing commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kg.cli import GraphOption, app, fail, out, say

QUERY_FORMATS = ("table", "csv", "tsv", "json")


def _list_saved_queries() -> None:
    from kg import query as q

    for saved in q.saved_queries().values():
        params = " ".join(f"--param {param.name}=…" for param in saved.params)
        line = f"[bold]{saved.name:<10}[/] {escape(saved.description)}"
        out.print(line + (f" [dim]{escape(params)}[/]" if params else ""), highlight=False)


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
    params: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            metavar="NAME=VALUE",
            help="Bind ?NAME to the string VALUE (a VALUES clause; the value is escaped).",
        ),
    ] = None,
    list_saved: Annotated[bool, typer.Option("--list", help="List the saved queries.")] = False,
) -> None:
    """Run a SPARQL query over a built graph.

    kg's prefixes (kg:, ent:, rdfs:, skos:, prov:, dcterms: …) need no PREFIX lines.
    A build folder's graph is kept in a persistent store (DIR/store/), made on the first
    query and remade when graph.ttl changes. Updates and SERVICE clauses are refused.

    Examples:

      kg query --list

      kg query visited

      kg query about --param label=プーチン

      kg query between -p from=2024-06-01 -p to=2024-06-30 --format csv

      kg query 'SELECT ?s WHERE { ?s kg:signed ?o }' --format csv

      kg query my.rq -g out/graph.ttl --format json
    """
    from kg import query as q
    from kg.store import open_store

    if list_saved:
        _list_saved_queries()
        return
    if not sparql:
        raise fail("give a SPARQL query, a .rq file or a saved query name (kg query --list)", 2)
    if fmt not in QUERY_FORMATS:
        raise fail(f"unknown format '{fmt}' ({', '.join(QUERY_FORMATS)})", 2)
    try:
        text = q.prepare(sparql, q.parse_param_options(params or []))
        results = q.run_query(open_store(graph), text)
    except q.QueryError as problem:
        raise fail(str(problem)) from None
    _print_results(results, fmt)


def _print_results(results, fmt: str) -> None:
    from kg import query as q

    if fmt == "json":
        sys.stdout.write(q.to_json(results) + "\n")
    elif fmt in ("csv", "tsv"):
        sys.stdout.write(q.to_csv(results, "," if fmt == "csv" else "\t"))
    else:
        table = Table(*(results.variables or ["boolean"]), show_lines=False)
        for row in q.table_rows(results, compact=True):
            table.add_row(*(escape(cell) for cell in row))
        out.print(table)
        out.print(f"{len(table.rows)} row(s)", style="dim")


@app.command()
def serve(
    graph: GraphOption = Path("out"),
    host: Annotated[
        str, typer.Option(help="Address to listen on; other than 127.0.0.1 exposes the graph.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port.")] = 7878,
    timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds a query may take before it is stopped (503).")
    ] = 10.0,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Most solutions or triples one query returns.")
    ] = 100_000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Query worker processes (queries run at once).")
    ] = 2,
    max_memory: Annotated[
        int, typer.Option("--max-memory", metavar="MB", help="Memory of a worker; 0: no limit.")
    ] = 4096,
    cors: Annotated[
        list[str] | None,
        typer.Option(
            "--cors",
            metavar="ORIGIN",
            help="Let pages from ORIGIN (e.g. https://yasgui.example) query the endpoint from "
            "a browser; repeatable, * for any. Default: none.",
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            metavar="NAME",
            help="Also answer requests addressed to NAME (the Host header), e.g. the machine's "
            "name when listening beyond loopback; repeatable. Default: only the address "
            "listened on (and localhost for loopback).",
        ),
    ] = None,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint, with a query page.

    http://HOST:PORT/ is a page with a query box and the saved queries (works offline);
    http://HOST:PORT/sparql is the SPARQL 1.1 Protocol endpoint (GET or POST; JSON, XML,
    CSV, TSV results; Turtle, N-Triples for CONSTRUCT and DESCRIBE). UPDATE and SERVICE
    are refused (403); a query over --timeout or --max-rows gets a 503. Requests addressed
    to another host name (DNS rebinding) get a 400, cross-origin POSTs a 403 (see --cors,
    --allow-host).

    Examples:

      kg serve

      kg serve -g build/ --port 8080 --timeout 30

      kg serve --cors http://localhost:3000

      kg serve --host 0.0.0.0 --allow-host kg.lan

      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?a kg:visited ?b }' \\
        http://127.0.0.1:7878/sparql
    """
    from kg.query import QueryError
    from kg.serve import WILDCARD_ADDRESSES, Limits, trusted_hosts
    from kg.serve import serve as run_server
    from kg.store import check_graph

    try:
        check_graph(graph)  # a bad file is one line here, not a trace from the server
    except QueryError as problem:
        raise fail(str(problem)) from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        say("[yellow]warning:[/]", f"listening on {host}: others can query the graph")
    if host in WILDCARD_ADDRESSES and not allow_host:
        say(
            "[yellow]warning:[/]",
            f"only requests to {', '.join(trusted_hosts(host))} are answered; name the others "
            "with --allow-host (the machine's name or address)",
        )
    limits = Limits(timeout=timeout, max_rows=max_rows, max_memory_mb=max_memory)
    try:
        run_server(graph, host, port, limits, workers, cors or (), allow_host or ())
    except (OSError, QueryError) as problem:
        raise fail(str(problem)) from None


@app.command()
def push(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            help="The store's SPARQL 1.1 Graph Store HTTP Protocol URL (Oxigraph: …/store).",
        ),
    ],
    graph_iri: Annotated[
        str | None,
        typer.Option("--graph", metavar="IRI", help="Named graph to replace (default below)."),
    ] = None,
    build: Annotated[
        Path, typer.Option("-g", "--build", help="A build folder (its graph.ttl) or a .ttl file.")
    ] = Path("out"),
    timeout: Annotated[float, typer.Option(min=1, help="Seconds to wait for the store.")] = 300,
    follow_redirects: Annotated[
        bool,
        typer.Option(
            "--follow-redirects",
            help="Follow a 3xx answer, sending the graph again (default: report it and stop).",
        ),
    ] = False,
) -> None:
    """Publish the graph to a triple store, replacing one named graph atomically.

    Sends graph.ttl with an HTTP PUT (SPARQL 1.1 Graph Store Protocol) to
    ENDPOINT?graph=IRI; the store swaps the named graph's content in one step. The
    default graph IRI is https://w3id.org/kg/graph/default. Only a 2xx answer counts as
    success; a redirect is reported unless --follow-redirects is given.

    Examples:

      kg push --endpoint http://127.0.0.1:7878/store

      kg push -g build/ --endpoint http://localhost:3030/kg/data --graph https://example.org/news
    """
    from kg.publish import DEFAULT_GRAPH, PublishError, push_graph
    from kg.query import QueryError, graph_file

    try:
        sent = push_graph(
            graph_file(build), endpoint, graph_iri or DEFAULT_GRAPH, timeout, follow_redirects
        )
    except (PublishError, QueryError) as problem:
        raise fail(str(problem)) from None
    out.print(
        f"replaced <{escape(sent.graph)}> at {escape(sent.endpoint)}: "
        f"{sent.triples:,} triples ({sent.status})",
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def validate(
    graph: GraphOption = Path("out"),
    shapes: Annotated[
        Path | None, typer.Option(help="SHACL shapes (default: ontology/shapes.ttl).")
    ] = None,
) -> None:
    """Check the graph against kg's SHACL shapes; exit 1 listing each violation.

    Every entity needs a class and a Japanese label; every event its agent, target,
    relation, evidence, offsets (begin ≤ end), rule, modality and source document; every
    document its source; every direct relation triple an event behind it.

    Examples:

      kg validate

      kg validate -g build/graph.ttl --shapes my-shapes.ttl
    """
    from kg.query import QueryError
    from kg.validate import ValidationError, validate_location

    try:
        report = validate_location(graph, shapes)
    except (QueryError, ValidationError) as problem:
        raise fail(str(problem)) from None
    if report.conforms:
        out.print(f"[green]conforms[/]: {report.summary}", highlight=False)
        return
    table = Table(show_lines=True)
    for name, attribute in (("focus node", "focus"), ("path", "path")):  # names kept whole
        widest = max(len(getattr(v, attribute)) for v in report.violations)
        table.add_column(name, min_width=min(widest, 40), overflow="fold")
    table.add_column("constraint", overflow="fold")
    table.add_column("value", overflow="fold")
    table.add_column("message", ratio=1, overflow="fold")
    for violation in report.violations:
        table.add_row(
            *(
                escape(cell)
                for cell in (
                    violation.focus,
                    violation.path,
                    violation.constraint,
                    violation.value,
                    violation.message,
                )
            )
        )
    out.print(table)
    out.print(f"[red]{len(report.violations)} violation(s)[/]: {report.summary}", highlight=False)
    raise typer.Exit(1)


@app.command()
def export(
    graph: GraphOption = Path("out"),
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="ttl, nt, jsonld, graphml or csv.")
    ] = "ttl",
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="File to write (default: standard output). For csv: a folder (gets "
            "entities.csv and relations.csv) or a .zip file holding both.",
        ),
    ] = None,
) -> None:
    """Export the graph for other tools: RDF (Turtle, N-Triples, JSON-LD), GraphML, CSV.

    graphml is the entity graph (one node per entity, one edge per relation, with
    label, class, PageRank, evidence count and first evidence sentence) for Gephi or
    Cytoscape. csv writes entities.csv (one row per entity) and relations.csv (one row
    per relation mention, with its evidence, modality, date and source).

    Examples:

      kg export --format nt > graph.nt

      kg export --format graphml -o graph.graphml

      kg export --format csv -o tables/

      kg export -g build/ --format csv -o tables.zip
    """
    from kg.export import FORMATS, ExportError, export_graph
    from kg.query import QueryError

    if fmt not in FORMATS:
        raise fail(f"unknown format '{fmt}' ({', '.join(FORMATS)})", 2)
    try:
        written = export_graph(graph, fmt, output, sys.stdout.buffer)
    except (ExportError, QueryError) as problem:
        raise fail(str(problem)) from None
    except OSError as problem:
        raise fail(f"{problem.filename or output}: {problem.strerror or problem}") from None
    for path in written:
        say("wrote", path)
