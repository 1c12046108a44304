"""SPARQL over a built graph: saved queries, safe parameters, checks, result formats.

Queries run on Oxigraph (pyoxigraph), a Rust SPARQL 1.1 engine; :mod:`kg.store` opens
the graph (a persistent on-disk store for a build folder).  kg's prefixes (``kg:``,
``ent:``, ``rdfs:`` …) are predeclared, so a query may use them without a PREFIX block.

Three things here read the query text before the engine does, with a small SPARQL
lexer (:func:`sparql_tokens`) that knows strings, IRIs and comments, so a keyword
inside ``"…"``, ``<…>`` or ``# …`` is never mistaken for one:

* :func:`uses_service` — kg makes no outbound requests, so ``SERVICE`` is refused;
* :func:`query_form` — SPARQL UPDATE is refused (the graph is read-only here);
* :func:`bind_parameters` — ``--param name=value`` becomes a ``VALUES`` clause at the
  start of the WHERE pattern, the value written as an escaped literal by pyoxigraph,
  so untrusted text is never pasted into the query.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from kg.resources import queries_dir
from kg.vocab import PREFIXES

PREFIX_IRIS: dict[str, str] = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_FORMS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


class QueryError(Exception):
    """A graph or query that cannot be used; the message says which and why."""


class RefusedQuery(QueryError):
    """A query kg will not run: an update, or one that would make outbound requests."""


class MalformedQuery(QueryError):
    """A query the SPARQL parser rejects; the message has the parser's position."""


def graph_file(location: Path) -> Path:
    """The Turtle file of ``-g``: a build folder (its graph.ttl) or a .ttl file."""
    path = location / "graph.ttl" if location.is_dir() else location
    if not path.is_file():
        hint = " (run `kg build` first)" if location.is_dir() or not location.exists() else ""
        raise QueryError(f"{path}: no graph found{hint}")
    return path


# ---------------------------------------------------------------- saved queries


@dataclass(frozen=True)
class Param:
    """A parameter a saved query takes: ``# param NAME: description`` in its header."""

    name: str
    description: str


@dataclass(frozen=True)
class SavedQuery:
    """A .rq file of kg/queries/: its first comment line is the description."""

    name: str
    description: str
    text: str
    params: tuple[Param, ...] = ()


_PARAM_LINE = re.compile(r"#\s*param\s+(\w+)\s*:\s*(.*)")


def parse_saved_query(name: str, text: str) -> SavedQuery:
    """A saved query from its text: description from line 1, ``# param`` lines after.

    >>> q = parse_saved_query("about", "# All about one.\\n# param label: a label\\nASK {}")
    >>> q.description, q.params
    ('All about one.', (Param(name='label', description='a label'),))
    """
    lines = text.splitlines()
    first = lines[0] if lines else ""
    description = first.lstrip("# ").strip() if first.startswith("#") else ""
    params = []
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        if match := _PARAM_LINE.match(line):
            params.append(Param(match[1], match[2].strip()))
    return SavedQuery(name, description, text, tuple(params))


def saved_queries() -> dict[str, SavedQuery]:
    """The queries shipped with kg, by name."""
    return {
        path.stem: parse_saved_query(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(queries_dir().glob("*.rq"))
    }


def resolve_query(spec: str) -> str:
    """SPARQL text from a saved query name, a .rq file, or the text itself."""
    saved = saved_queries()
    if spec in saved:
        return saved[spec].text
    if spec.endswith(".rq") or (len(spec) < 256 and "\n" not in spec and Path(spec).is_file()):
        path = Path(spec)
        if not path.is_file():
            raise QueryError(f"{spec}: no such query file")
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise QueryError(f"{spec}: cannot read ({err})") from err
    return spec


# ---------------------------------------------------------------- the lexer

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
              |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'
              |"(?:[^"\\\n\r]|\\.)*")
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<pname>(?:[^\W\d][\w.\-]*)?:(?:[\w:%\-.]|\\.)*)
  | (?P<word>[^\W\d]\w*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Token:
    """One lexical token of a SPARQL query: its kind, text and offset."""

    kind: str  # comment iri string langtag var pname word number punct
    text: str
    start: int


def sparql_tokens(text: str) -> Iterator[Token]:
    """The tokens of a SPARQL query, whitespace dropped.

    >>> [(t.kind, t.text) for t in sparql_tokens('SELECT * { ?s ex:p "x{" } # }')]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('word', 'SELECT'), ('punct', '*'), ('punct', '{'), ('var', '?s'), ('pname', 'ex:p'),
     ('string', '"x{"'), ('punct', '}'), ('comment', '# }')]
    """
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "ws":
            yield Token(match.lastgroup or "punct", match.group(), match.start())


def _keywords(text: str) -> Iterator[str]:
    for token in sparql_tokens(text):
        if token.kind == "word":
            yield token.text.upper()


def _unescape_codepoints(text: str) -> str:
    """``\\uXXXX`` escapes replaced, as SPARQL 1.1 §19.2 lets a parser do before lexing."""

    def char(match: re.Match[str]) -> str:
        code = int(match[1] or match[2], 16)
        return chr(code) if code <= 0x10FFFF else match[0]

    return _CODEPOINT.sub(char, text)


def uses_service(text: str) -> bool:
    """Whether a query has a SERVICE clause (federation: an outbound request).

    The keyword is looked for as a token, so it is found in any case and nesting and
    never inside strings, IRIs, comments, variables or prefixed names; the text is
    also checked with ``\\u`` escapes decoded, as a parser may decode them first.

    >>> uses_service("SELECT * { OPTIONAL { sErViCe <http://x/> { ?s ?p ?o } } }")
    True
    >>> uses_service('SELECT * { ?service ex:SERVICE "SERVICE <x> {}" } # SERVICE')
    False
    """
    variants = {text, _unescape_codepoints(text)}
    return any("SERVICE" in set(_keywords(variant)) for variant in variants)


def query_form(text: str) -> str:
    """The first keyword after the prologue: SELECT, ASK, INSERT, DROP … ('' if none).

    >>> query_form("PREFIX ex: <http://x/> # c\\n insert data { ex:a ex:b ex:c }")
    'INSERT'
    """
    for keyword in _keywords(text):
        if keyword not in ("PREFIX", "BASE"):
            return keyword
    return ""


def check_readonly_and_local(text: str) -> None:
    """Raise RefusedQuery for an update or a SERVICE clause; kg only reads, and locally."""
    form = query_form(text)
    if form in UPDATE_FORMS:
        raise RefusedQuery(f"SPARQL UPDATE ({form}) is refused: the graph is read-only here")
    if uses_service(text):
        raise RefusedQuery("SERVICE clauses are refused: kg makes no outbound requests")


# ---------------------------------------------------------------- parameters


def parse_param_options(options: Iterable[str]) -> dict[str, str]:
    """``["name=value", …]`` (from ``--param``) as a dict; a malformed one raises QueryError.

    >>> parse_param_options(["label=プーチン", "to=2024-12-31"])
    {'label': 'プーチン', 'to': '2024-12-31'}
    """
    params: dict[str, str] = {}
    for option in options:
        name, equals, value = option.partition("=")
        name = name.strip().lstrip("?$")
        if not equals or not re.fullmatch(r"\w+", name):
            raise QueryError(f"--param {option!r}: expected NAME=VALUE")
        params[name] = value
    return params


def _where_brace(tokens: list[Token]) -> Token | None:
    """The ``{`` that opens the query's WHERE pattern (after a CONSTRUCT template)."""
    depth = parens = 0
    form = ""
    after_where = False
    groups_seen = 0
    for token in tokens:
        if token.kind == "word" and not form and token.text.upper() in QUERY_FORMS:
            form = token.text.upper()
        if token.kind == "word" and token.text.upper() == "WHERE" and depth == parens == 0:
            after_where = True
        if token.kind != "punct":
            continue
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif token.text == "{":
            if depth == parens == 0:
                skip_template = form == "CONSTRUCT" and not after_where and groups_seen == 0
                if form and not skip_template:
                    return token
                groups_seen += 1
            depth += 1
        elif token.text == "}":
            depth -= 1
    return None


def bind_parameters(text: str, params: Mapping[str, str]) -> str:
    """The query with each ``?name`` bound to a string value by a leading VALUES clause.

    Values are written by pyoxigraph's literal serializer (quotes, backslashes and
    newlines escaped), so a value is always one literal, whatever it contains.

    >>> bind_parameters('SELECT ?x WHERE { ?x rdfs:label ?label }', {"label": 'a"} #'})
    'SELECT ?x WHERE { VALUES (?label) { ("a\\\\"} #") } ?x rdfs:label ?label }'
    """
    if not params:
        return text
    tokens = list(sparql_tokens(text))
    used = {token.text[1:] for token in tokens if token.kind == "var"}
    for name in params:
        if not re.fullmatch(r"\w+", name):
            raise QueryError(f"--param {name}: not a variable name")
        if name not in used:
            raise QueryError(f"--param {name}: the query has no ?{name}")
    brace = _where_brace(tokens)
    if brace is None:
        raise QueryError("--param needs a query with a WHERE pattern to bind into")
    names = " ".join(f"?{name}" for name in params)
    values = " ".join(str(ox.Literal(value)) for value in params.values())
    clause = f" VALUES ({names}) {{ ({values}) }}"
    cut = brace.start + 1
    return text[:cut] + clause + text[cut:]


def bind_saved_query(saved: SavedQuery, params: Mapping[str, str]) -> str:
    """A saved query's text with its declared parameters bound; all are required."""
    declared = {param.name for param in saved.params}
    if unknown := sorted(set(params) - declared):
        takes = ", ".join(sorted(declared)) or "no parameters"
        raise QueryError(f"saved query '{saved.name}' takes {takes}, not {', '.join(unknown)}")
    if missing := [param for param in saved.params if param.name not in params]:
        what = "; ".join(f"{param.name}=VALUE, {param.description}" for param in missing)
        raise QueryError(f"saved query '{saved.name}' needs {what}")
    return bind_parameters(saved.text, params)


def prepare(spec: str, params: Mapping[str, str] | None = None) -> str:
    """The SPARQL to run for ``kg query SPEC --param …``: resolved, bound and checked."""
    saved = saved_queries().get(spec)
    if saved:
        text = bind_saved_query(saved, params or {})
    else:
        text = resolve_query(spec)
        check_syntax(text)  # before binding, so positions refer to the user's own text
        text = bind_parameters(text, params or {})
    check_syntax(text)
    return text


# ---------------------------------------------------------------- running


def _one_line(message: str) -> str:
    return " ".join(message.split())


def syntax_message(err: SyntaxError, text: str) -> str:
    """Oxigraph's parser message on one line: where, the text there, what was expected.

    >>> syntax_message(SyntaxError("error at 1:8: expected one of '{', ['a' ..= 'z']"),
    ...                "SELECT * WHERE")
    "malformed query at line 1, column 8 (near '* WHERE'): expected one of '{'"
    """
    message = _one_line(str(err))
    match = re.match(r"error at (\d+):(\d+):\s*(.*)", message)
    if not match:
        return f"malformed query: {message}"
    line_no, column = int(match[1]), int(match[2])
    # the character classes Oxigraph lists (['A' ..= 'Z' | …]) say little to a person
    expected = re.sub(r",?\s*\[[^\]]*\]", "", match[3]).strip(" ,")
    if len(expected) > 160:
        expected = expected[:160].rsplit(",", 1)[0] + ", …"
    lines = text.splitlines() or [""]
    line = lines[line_no - 1] if 1 <= line_no <= len(lines) else ""
    near = line[column - 1 : column + 19].strip()
    place = f"near {near!r}" if near else "at the end of the line"
    return f"malformed query at line {line_no}, column {column} ({place}): {expected}"


def check_syntax(text: str) -> None:
    """Raise QueryError with the parser's message and position if ``text`` won't parse.

    Parsed on an empty store and never iterated: nothing is evaluated (callers check
    :func:`check_readonly_and_local` first, as an ASK is answered on the spot).
    """
    check_readonly_and_local(text)
    try:
        ox.Store().query(text, prefixes=PREFIX_IRIS)
    except SyntaxError as err:
        raise MalformedQuery(syntax_message(err, text)) from err
    except (OSError, ValueError, RuntimeError):
        pass  # parsed; evaluation problems are reported when the query really runs


@dataclass
class Results:
    """What a query gave: solutions (variables, rows), a boolean, or triples."""

    variables: list[str]
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] | None = None

    @property
    def kind(self) -> str:
        """``solutions``, ``boolean`` or ``graph``."""
        if self.boolean is not None:
            return "boolean"
        return "graph" if self.triples is not None else "solutions"


class TooManyRows(QueryError):
    """A result larger than the caller's limit."""


def _limited(items: Iterable, max_rows: int | None) -> list:
    taken = []
    for item in items:
        if max_rows is not None and len(taken) >= max_rows:
            raise TooManyRows(f"the result has more than {max_rows:,} rows; add a LIMIT")
        taken.append(item)
    return taken


def collect(answer: object, max_rows: int | None = None) -> Results:
    """The answer of ``Store.query`` as Results (at most ``max_rows`` rows or triples)."""
    if isinstance(answer, ox.QueryBoolean):
        return Results([], boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = [variable.value for variable in answer.variables]
        rows = _limited(([row[name] for name in names] for row in answer), max_rows)
        return Results(names, rows=rows)
    triples = _limited(answer, max_rows)  # type: ignore[arg-type]
    rows = [[t.subject, t.predicate, t.object] for t in triples]
    return Results(["subject", "predicate", "object"], rows=rows, triples=triples)


def run_query(store: ox.Store, text: str, max_rows: int | None = None, **options) -> Results:
    """Run SPARQL on ``store``; a malformed query raises QueryError with the parser's message.

    ``options`` go to ``Store.query`` (``default_graph``, ``named_graphs``).
    """
    try:
        answer = store.query(text, prefixes=PREFIX_IRIS, **options)
        return collect(answer, max_rows)
    except SyntaxError as err:
        raise MalformedQuery(syntax_message(err, text)) from err
    except (OSError, ValueError, RuntimeError) as err:
        raise QueryError(f"query failed: {_one_line(str(err))}") from err


# ---------------------------------------------------------------- formats


def compact_iri(iri: str) -> str:
    """An IRI as a person reads it: kg's prefixes, percent-escapes decoded.

    >>> compact_iri("https://w3id.org/kg/id/%E5%8C%97%E6%9C%9D%E9%AE%AE")
    'ent:北朝鮮'
    """
    for prefix, namespace in PREFIX_IRIS.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{unquote(iri[len(namespace) :])}"
    return iri


def term_text(term: object, compact: bool = False) -> str:
    """A term as a person reads it: literal values bare, IRIs whole (or compacted)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value) if compact else term.value
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def table_rows(results: Results, compact: bool = False) -> list[list[str]]:
    """The results as rows of display strings (a boolean is one row)."""
    if results.boolean is not None:
        return [["true" if results.boolean else "false"]]
    return [[term_text(value, compact) for value in row] for row in results.rows]


def to_csv(results: Results, delimiter: str = ",") -> str:
    """Plain values, one row a solution (SPARQL 1.1 CSV; with ``\\t``, a TSV for scripts)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(results.variables or ["boolean"])
    writer.writerows(table_rows(results))
    return out.getvalue()


def to_sparql_csv(results: Results) -> str:
    """SPARQL 1.1 Query Results CSV (CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(results.variables or ["boolean"])
    writer.writerows(table_rows(results))
    return out.getvalue()


def _tsv_term(term: object) -> str:
    return "" if term is None else str(term)


def to_sparql_tsv(results: Results) -> str:
    """SPARQL 1.1 Query Results TSV: terms in Turtle/N-Triples syntax."""
    if results.boolean is not None:
        return f"?boolean\n{'true' if results.boolean else 'false'}\n"
    lines = ["\t".join(f"?{name}" for name in results.variables)]
    lines += ["\t".join(_tsv_term(value) for value in row) for row in results.rows]
    return "\n".join(lines) + "\n"


def _json_term(term: object) -> dict[str, str] | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if not isinstance(term, ox.Literal):
        return {"type": "triple", "value": str(term)}
    value: dict[str, str] = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != XSD_STRING:
        value["datatype"] = term.datatype.value
    return value


def to_json(results: Results, indent: int | None = 1) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if results.boolean is not None:
        return json.dumps({"head": {}, "boolean": results.boolean})
    bindings = [
        {
            name: term
            for name, value in zip(results.variables, row, strict=True)
            if (term := _json_term(value)) is not None
        }
        for row in results.rows
    ]
    return json.dumps(
        {"head": {"vars": results.variables}, "results": {"bindings": bindings}},
        ensure_ascii=False,
        indent=indent,
    )


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    assert isinstance(term, ox.Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
    if term.datatype and term.datatype.value != XSD_STRING:
        datatype = quoteattr(term.datatype.value)
        return f"<literal datatype={datatype}>{xml_escape(term.value)}</literal>"
    return f"<literal>{xml_escape(term.value)}</literal>"


def to_xml(results: Results) -> str:
    """SPARQL Query Results XML Format."""
    head = "".join(f"<variable name={quoteattr(name)}/>" for name in results.variables)
    parts = [
        '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
        f"<head>{head}</head>",
    ]
    if results.boolean is not None:
        parts.append(f"<boolean>{'true' if results.boolean else 'false'}</boolean>")
    else:
        parts.append("<results>")
        for row in results.rows:
            bindings = "".join(
                f"<binding name={quoteattr(name)}>{_xml_term(value)}</binding>"
                for name, value in zip(results.variables, row, strict=True)
                if value is not None
            )
            parts.append(f"<result>{bindings}</result>")
        parts.append("</results>")
    parts.append("</sparql>\n")
    return "\n".join(parts)


def to_rdf(results: Results, rdf_format: ox.RdfFormat) -> bytes:
    """The triples of a CONSTRUCT or DESCRIBE, serialized (Turtle with kg's prefixes)."""
    prefixes = PREFIX_IRIS if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.N3) else None
    return ox.serialize(results.triples or [], format=rdf_format, prefixes=prefixes) or b""
