"""The SPARQL store of a built graph: a persistent Oxigraph store kept beside graph.ttl.

``open_store(DIR)`` answers from ``DIR/store/``, an on-disk pyoxigraph (RocksDB) store
made from ``DIR/graph.ttl`` on the first query and reused after, so a query on a big
graph does not re-parse the Turtle every time.  The store is rebuilt when graph.ttl's
content changes:

* ``DIR/store/manifest.json`` records graph.ttl's size, mtime and SHA-256 and which
  store directory holds it; when size and mtime still match, nothing is hashed;
  otherwise the file is hashed and a store is built only if the content changed.
* Each store directory is named by that hash (and the pyoxigraph version) and is
  written once: it is built in ``DIR/store/.building-…`` and renamed into place, so a
  half-written store is never opened, and it is opened read-only afterwards (several
  ``kg query`` or ``kg serve`` workers may read it at once).  The previous store is
  kept until the next change, for a ``kg serve`` that still reads it.

A small graph (under 256 KiB of Turtle, about 10,000 triples), a ``.ttl`` file given
directly, or a build folder kg may not write into is parsed into memory instead:
below that size parsing is quicker than opening the on-disk store.

Every command that reads a graph goes through :func:`check_graph` (Oxigraph's parser, for
pyoxigraph readers) or :func:`read_graph` (an rdflib Graph): a truncated or invalid file
is one :class:`GraphFileError` line (``FILE: not a readable Turtle graph: line N, column
M: what is wrong``), raised
before the command writes anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.messages import shown
from kg.query import QueryError, graph_file

STORE_DIR = "store"
MANIFEST = "manifest.json"
BUILDING_PREFIX = ".building-"
STALE_BUILD_SECONDS = 3600
# Below this size parsing graph.ttl into memory is quicker than opening the on-disk
# store (~30 ms); measured with `python -m kg.bench sparql` (≈10,000 triples).
MEMORY_MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class GraphStamp:
    """What identifies the content of a graph.ttl: its stat, and its hash once known."""

    size: int
    mtime_ns: int
    sha256: str = ""


def _stamp(path: Path) -> GraphStamp:
    stat = path.stat()
    return GraphStamp(stat.st_size, stat.st_mtime_ns)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def store_name(sha256: str) -> str:
    """The directory name of the store of a graph with this hash (and this pyoxigraph)."""
    return f"{sha256[:16]}-ox{ox.__version__}"


def _read_manifest(root: Path) -> dict:
    try:
        return json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_manifest(root: Path, stamp: GraphStamp, name: str) -> None:
    record = {
        "graph_size": stamp.size,
        "graph_mtime_ns": stamp.mtime_ns,
        "graph_sha256": stamp.sha256,
        "store": name,
    }
    handle, temporary = tempfile.mkstemp(dir=root, prefix=".manifest.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(record, stream)
    os.chmod(temporary, 0o644)  # mkstemp makes 0600; the build folder is meant to be shared
    os.replace(temporary, root / MANIFEST)


def _known_store(root: Path, stamp: GraphStamp) -> Path | None:
    """The store the manifest names, if graph.ttl's size and mtime still match it."""
    record = _read_manifest(root)
    name = record.get("store", "")
    unchanged = (record.get("graph_size"), record.get("graph_mtime_ns")) == (
        stamp.size,
        stamp.mtime_ns,
    )
    if unchanged and name == store_name(record.get("graph_sha256", "")):
        path = root / name
        if path.is_dir():
            return path
    return None


class GraphFileError(QueryError):
    """A graph file that is missing, truncated or not Turtle: one line, file and line."""


def turtle_problem(path: Path, error: BaseException) -> GraphFileError:
    """A parser's error as one line: the file, the line and column, and what is wrong.

    >>> error = SyntaxError("Parser error at line 610 column 5: Unexpected end")
    >>> error.lineno, error.offset = 610, 5
    >>> str(turtle_problem(Path("out/graph.ttl"), error))
    'out/graph.ttl: not a readable Turtle graph: line 610, column 5: Unexpected end'
    """
    message = " ".join(str(getattr(error, "msg", "") or error).split())
    line, column = getattr(error, "lineno", None), getattr(error, "offset", None)
    if isinstance(error, SyntaxError) and isinstance(line, int):
        what = message.split(": ", 1)[-1] if message.startswith("Parser error") else message
        where = f"line {line}" + (f", column {column}" if isinstance(column, int) else "")
        return GraphFileError(shown(f"{path}: not a readable Turtle graph: {where}: {what}"))
    if isinstance(error, OSError):
        return GraphFileError(shown(f"{path}: cannot be read ({error.strerror or error})"))
    reason = message[:200] or type(error).__name__
    return GraphFileError(shown(f"{path}: not a readable Turtle graph ({reason})"))


def count_triples(path: Path) -> int:
    """The triples of a Turtle file, parsed in full (nothing kept); GraphFileError if it
    is not complete, valid Turtle."""
    if not path.is_file():
        raise GraphFileError(shown(f"{path}: no such file"))
    try:
        return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, ValueError, OSError) as err:
        raise turtle_problem(path, err) from err


def check_graph(location: Path) -> Path:
    """The Turtle file of ``location`` (folder or .ttl), known to parse in full.

    A build folder whose store was made from the file as it is now is not parsed again.
    """
    path = graph_file(location)
    if location.is_dir():
        with contextlib.suppress(OSError):
            if _known_store(location / STORE_DIR, _stamp(path)) is not None:
                return path
    count_triples(path)
    return path


def read_turtle(path: Path):
    """A Turtle file (a graph, shapes) as an rdflib Graph; GraphFileError on a bad file."""
    import rdflib

    count_triples(path)  # rdflib's parser raises anything (even IndexError) on a cut file
    try:
        return rdflib.Graph().parse(str(path.absolute()), format="turtle")
    except Exception as err:  # noqa: BLE001 — whatever rdflib raises, one line
        raise turtle_problem(path, err) from err


def read_graph(location: Path):
    """The graph at ``location`` (a build folder or a .ttl file) as an rdflib Graph."""
    return read_turtle(graph_file(location))


def load_into(store: ox.Store, graph: Path) -> None:
    """Bulk-load a Turtle file; a parse error raises GraphFileError naming file and line."""
    try:
        store.bulk_load(path=str(graph), format=ox.RdfFormat.TURTLE)
    except (SyntaxError, ValueError, OSError) as err:
        raise turtle_problem(graph, err) from err


def build_store(graph: Path, target: Path) -> None:
    """Write the store of ``graph`` to ``target`` via a temporary directory and a rename."""
    building = target.parent / f"{BUILDING_PREFIX}{uuid.uuid4().hex}"
    try:
        store = ox.Store(str(building))
        load_into(store, graph)
        store.flush()
        store.optimize()
        del store  # closes the database before it is moved
        try:
            os.rename(building, target)
        except OSError:
            if not target.is_dir():  # not merely beaten to it by another process
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _prune(root: Path, keep: str) -> None:
    """Remove stores of older graphs, all but the newest of them, and abandoned builds.

    The store just replaced is kept, so a ``kg serve`` started before the rebuild goes
    on answering from the store it opened.
    """
    now = time.time()
    older: list[tuple[float, Path]] = []
    for path in root.iterdir():
        if not path.is_dir() or path.name == keep:
            continue
        with contextlib.suppress(OSError):
            age = now - path.stat().st_mtime
            if not path.name.startswith(BUILDING_PREFIX):
                older.append((age, path))
            elif age > STALE_BUILD_SECONDS:  # else perhaps being built right now
                shutil.rmtree(path, ignore_errors=True)
    for _, path in sorted(older)[1:]:
        shutil.rmtree(path, ignore_errors=True)


def ensure_store(build_dir: Path) -> Path:
    """The directory of an up-to-date on-disk store of ``build_dir/graph.ttl``.

    Built on first use and whenever graph.ttl's content changes; raises OSError when
    the folder cannot be written, QueryError when graph.ttl is not readable Turtle.
    """
    graph = graph_file(build_dir)
    root = build_dir / STORE_DIR
    stamp = _stamp(graph)
    if known := _known_store(root, stamp):
        return known
    root.mkdir(exist_ok=True)
    stamp = GraphStamp(stamp.size, stamp.mtime_ns, file_sha256(graph))
    name = store_name(stamp.sha256)
    if not (root / name).is_dir():
        build_store(graph, root / name)
    _write_manifest(root, stamp, name)
    _prune(root, keep=name)
    return root / name


def memory_store(location: Path) -> ox.Store:
    """An in-memory store holding the graph at ``location`` (folder or .ttl file)."""
    store = ox.Store()
    load_into(store, graph_file(location))
    return store


def uses_disk(location: Path) -> bool:
    """Whether :func:`open_store` answers from the on-disk store (a big enough build)."""
    path = graph_file(location)
    return location.is_dir() and path.stat().st_size > MEMORY_MAX_BYTES


def open_store(location: Path, persistent: bool | None = None) -> ox.Store:
    """A store to query the graph at ``location``.

    For a build folder whose graph.ttl is over MEMORY_MAX_BYTES (or ``persistent=True``)
    the on-disk store, opened read-only; else the Turtle parsed into memory.
    """
    graph_file(location)  # a missing graph is reported before anything else
    if persistent is None:
        persistent = uses_disk(location)
    if persistent and location.is_dir():
        try:
            return ox.Store.read_only(str(ensure_store(location)))
        except OSError:
            pass  # a folder kg may not write into: fall back to memory
    return memory_store(location)


@contextlib.contextmanager
def served_store(location: Path) -> Iterator[Path]:
    """A directory holding an on-disk store of the graph, for read-only workers.

    A build folder's persistent store; for a .ttl file (or a folder kg cannot write
    into) a store built in a temporary directory that is removed afterwards.
    """
    graph = graph_file(location)
    persistent = None
    if location.is_dir():
        with contextlib.suppress(OSError):
            persistent = ensure_store(location)
    if persistent is not None:
        yield persistent
        return
    with tempfile.TemporaryDirectory(prefix="kg-store-") as scratch:
        target = Path(scratch) / "store"
        build_store(graph, target)
        yield target
