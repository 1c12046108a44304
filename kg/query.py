"""SPARQL over a built graph: load it, run a query, format the results.

Queries run on Oxigraph (pyoxigraph), a Rust SPARQL 1.1 engine, over the graph.ttl a
build wrote; the PREFIX block of kg's namespaces is prepended when a query lacks it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.resources import queries_dir
from kg.vocab import sparql_prefixes


class QueryError(Exception):
    """A graph or query that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class SavedQuery:
    name: str
    description: str
    text: str


def graph_file(location: Path) -> Path:
    """The Turtle file of ``-g``: a build folder (its graph.ttl) or a .ttl file."""
    path = location / "graph.ttl" if location.is_dir() else location
    if not path.is_file():
        hint = " (run `kg build` first)" if location.is_dir() or not location.exists() else ""
        raise QueryError(f"{path}: no graph found{hint}")
    return path


def open_store(location: Path) -> ox.Store:
    """An in-memory Oxigraph store holding the graph at ``location``."""
    path = graph_file(location)
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    except (SyntaxError, ValueError, OSError) as err:
        raise QueryError(f"{path}: not a readable Turtle graph ({err})") from err
    return store


def saved_queries() -> dict[str, SavedQuery]:
    """The queries shipped with kg, by name."""
    found = {}
    for path in sorted(queries_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        description = first.lstrip("# ").strip() if first.startswith("#") else ""
        found[path.stem] = SavedQuery(path.stem, description, text)
    return found


def resolve_query(spec: str) -> str:
    """SPARQL text from a saved query name, a .rq file, or the text itself."""
    saved = saved_queries()
    if spec in saved:
        return saved[spec].text
    if spec.endswith(".rq") or (len(spec) < 256 and "\n" not in spec and Path(spec).is_file()):
        path = Path(spec)
        if not path.is_file():
            raise QueryError(f"{spec}: no such query file")
        return path.read_text(encoding="utf-8")
    return spec


def with_prefixes(text: str) -> str:
    return text if "PREFIX kg:" in text else sparql_prefixes() + text


@dataclass
class Results:
    variables: list[str]
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]] | None = None
    boolean: bool | None = None
    triples: list[ox.Triple] | None = None


def run_query(store: ox.Store, text: str) -> Results:
    """Run SPARQL; a malformed query raises QueryError with the parser's message."""
    try:
        answer = store.query(with_prefixes(text))
    except SyntaxError as err:
        raise QueryError(f"malformed query: {err}") from err
    except (OSError, ValueError, RuntimeError) as err:
        raise QueryError(f"query failed: {err}") from err
    if isinstance(answer, ox.QueryBoolean):
        return Results([], boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        return Results(names, rows=[[row[n] for n in names] for row in answer])
    return Results(["subject", "predicate", "object"], triples=list(answer))


def term_text(term: object) -> str:
    """A term as a person reads it: literal values bare, IRIs whole."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal | ox.NamedNode):
        return term.value
    return str(term)


def table_rows(results: Results) -> list[list[str]]:
    if results.boolean is not None:
        return [["true" if results.boolean else "false"]]
    if results.triples is not None:
        return [
            [term_text(t.subject), term_text(t.predicate), term_text(t.object)]
            for t in results.triples
        ]
    return [[term_text(v) for v in row] for row in results.rows or []]


def to_csv(results: Results, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(results.variables or ["boolean"])
    writer.writerows(table_rows(results))
    return out.getvalue()


def _json_term(term: object) -> dict[str, str] | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    assert isinstance(term, ox.Literal)
    value: dict[str, str] = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        value["datatype"] = term.datatype.value
    return value


def to_json(results: Results) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if results.boolean is not None:
        return json.dumps({"head": {}, "boolean": results.boolean})
    bindings = []
    for row in results.rows or []:
        bindings.append(
            {
                n: t
                for n, v in zip(results.variables, row, strict=True)
                if (t := _json_term(v)) is not None
            }
        )
    return json.dumps(
        {"head": {"vars": results.variables}, "results": {"bindings": bindings}},
        ensure_ascii=False,
        indent=1,
    )
