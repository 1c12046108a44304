"""The build cache: parses and extracted facts kept between builds, by content.

Two kinds of entry, each one file, content-addressed:

* **parse** — the spaCy DocBin of one cleaned text (its parse units, in order), keyed by
  the text and :func:`kg.nlp.model_version`; any article with the same cleaned text reuses it.
* **facts** — what extraction found in one article (its mentions with the entity ids they
  resolved to, and its events, unit by unit), keyed by the parse key, the article's other
  fields (id, dates, sections) and the extraction version (rules, gazetteer and code).

So a changed article is parsed again and nothing else; a rule change re-runs extraction
over cached parses; a new model version re-parses everything.  Entries are written to a
temporary file and renamed into place, so a reader never sees half of one.  Every facts
entry is checked when read against the dataclasses it stands for (:func:`schema_problem`:
field names, type hints and known relation, modality and class names) and its nesting
depth; one that fails, like one that cannot be read back, is deleted and rebuilt, and
the reader is told why.  A temporary file left by a killed build is removed by the next
(:meth:`Cache.remove_leftovers`).  The folder is safe to delete at any time.

Layout: ``ROOT/v1/parse/ab/<key>.spacy``, ``ROOT/v1/facts/ab/<key>.json``, and
``ROOT/v1/tmp/`` for entries being written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
import time
import types
import typing
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.messages import shown
from kg.model import ENTITY_KINDS, RELATIONS, Article, Event, Evidence, Mention

LAYOUT = "v1"
TEMPORARY_DIR = "tmp"  # ROOT/v1/tmp/: entries being written
STALE_SECONDS = 3600  # a temporary file this old is abandoned, whoever wrote it
LEGACY_STALE_SECONDS = 60  # for names without a process id (earlier versions of kg)
FACTS_FORMAT = 1  # bump when what a facts entry means changes (kg.pipeline's extraction)
CACHE_DIR_NAME = ".kg-cache"


@dataclass(frozen=True)
class UnitFacts:
    """What extraction found in one parse unit: resolved mentions, then events."""

    mentions: tuple[tuple[Mention, tuple[str, ...]], ...]  # each with its entity ids
    events: tuple[Event, ...]


@dataclass(frozen=True)
class ArticleFacts:
    """What extraction found in one article, unit by unit, in reading order."""

    doc_id: str
    units: tuple[UnitFacts, ...]


def default_cache_dir(out_dir: Path) -> Path:
    """``.kg-cache/`` beside the output folder (``out/`` → ``.kg-cache/``).

    >>> default_cache_dir(Path("build/out")).as_posix(), default_cache_dir(Path("out")).as_posix()
    ('build/.kg-cache', '.kg-cache')
    """
    return out_dir.parent / CACHE_DIR_NAME


def parse_key(text: str, model: str) -> str:
    """The key of a cleaned text's parse under a model version."""
    return _digest("parse", model, text)


def facts_key(parse: str, article: Article, extraction: str) -> str:
    """The key of an article's facts: its parse, its other fields and the extraction version."""
    fields = repr(dataclasses.replace(article, text=""))
    return _digest("facts", str(FACTS_FORMAT), parse, extraction, fields)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Cache:
    """A cache folder.  Reads never raise; writes that fail are skipped (a cache is optional)."""

    root: Path

    def usable(self) -> str | None:
        """None when the folder can be written, else why not (one line naming the folder)."""
        try:
            (self.root / LAYOUT).mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.root / LAYOUT):
                pass
        except OSError as err:
            return f"{self.root}: cache cannot be written ({err.strerror or err}); not used"
        return None

    def has_parse(self, key: str) -> bool:
        return self._path("parse", key, ".spacy").is_file()

    def read_parse(self, key: str) -> bytes | None:
        """The DocBin bytes stored under ``key``, or None."""
        return self._read(self._path("parse", key, ".spacy"))

    def write_parse(self, key: str, data: bytes) -> None:
        self._write(self._path("parse", key, ".spacy"), data)

    def discard_parse(self, key: str) -> None:
        """Delete a parse entry found to be corrupt."""
        with contextlib.suppress(OSError):
            self._path("parse", key, ".spacy").unlink()

    def read_facts(self, key: str, rejected: list[str] | None = None) -> ArticleFacts | None:
        """The facts stored under ``key``; None when missing, unreadable or not valid facts.

        An entry that cannot be used is deleted, and why is added to ``rejected``.
        """
        path = self._path("facts", key, ".json")
        data = self._read(path)
        if data is None:
            return None
        try:
            return facts_from_json(data.decode("utf-8"))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            with contextlib.suppress(OSError):
                path.unlink()
            if rejected is not None:
                reason = " ".join(str(error).split())[:200] or type(error).__name__
                rejected.append(shown(f"{path.relative_to(self.root)}: {reason}"))
            return None

    def write_facts(self, key: str, facts: ArticleFacts) -> None:
        """Store facts (skipped if they hold a value JSON cannot carry)."""
        try:
            data = facts_to_json(facts)
        except (TypeError, ValueError):
            return
        self._write(self._path("facts", key, ".json"), data.encode("utf-8"))

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        return self.root / LAYOUT / kind / key[:2] / f"{key}{suffix}"

    @staticmethod
    def _read(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except OSError:
            return None

    def _write(self, path: Path, data: bytes) -> None:
        """Write via a temporary file and a rename; never half a file.

        The temporary file is ``ROOT/v1/tmp/PID.….tmp``: named by the writing process, so
        :meth:`remove_leftovers` can tell a killed writer's file from a live one's.
        """
        temporary = None
        try:
            folder = self.root / LAYOUT / TEMPORARY_DIR
            folder.mkdir(parents=True, exist_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                dir=folder, prefix=f"{os.getpid()}.", suffix=".tmp"
            )
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except OSError:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)

    def remove_leftovers(self) -> int:
        """Delete the temporary files of writers that are gone (a killed build's); how many.

        Files of a live process (a build running beside this one) are left alone unless
        they are over an hour old.  In a cache that earlier versions of kg wrote, their
        ``.*.tmp`` files beside the entries are swept too.
        """
        removed = 0
        folder = self.root / LAYOUT / TEMPORARY_DIR
        if not folder.is_dir():  # a cache this version has not written to yet
            for kind in ("parse", "facts"):
                for path in (self.root / LAYOUT / kind).glob("*/.*.tmp"):
                    removed += _age(path) > LEGACY_STALE_SECONDS and _unlinked(path)
        with contextlib.suppress(OSError):
            for path in list(folder.iterdir()):
                if path.suffix == ".tmp" and _abandoned(path):
                    removed += _unlinked(path)
        return removed


def _abandoned(path: Path) -> bool:
    """Whether a temporary file's writer (the PID its name starts with) is gone."""
    pid = path.name.split(".", 1)[0]
    if not pid.isdigit():
        return _age(path) > LEGACY_STALE_SECONDS
    return not _running(int(pid)) or _age(path) > STALE_SECONDS


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _unlinked(path: Path) -> bool:
    try:
        path.unlink()
    except OSError:
        return False
    return True


# --- Facts as JSON. ---


def facts_to_json(facts: ArticleFacts) -> str:
    """Facts as JSON text: a dataclass is an object tagged with its class under "@", a tuple
    a list, a date ``{"@": "date", "iso": …}``.  Raises TypeError on anything else.

    >>> m = Mention("北朝鮮", 0, 3, "State", "state/KP")
    >>> e = Evidence("d", "北朝鮮。", 0, 4, published=dt.date(2024, 6, 20))
    >>> event = Event("visited", "person/x", "state/KP", e, "visit-1")
    >>> facts = ArticleFacts("d", (UnitFacts(((m, ("state/KP",)),), (event,)),))
    >>> facts_from_json(facts_to_json(facts)) == facts
    True
    """
    return json.dumps(_plain(facts), ensure_ascii=False, separators=(",", ":"))


def facts_from_json(text: str) -> ArticleFacts:
    """The inverse of :func:`facts_to_json`; raises ValueError (or TypeError, KeyError) on
    anything that is not valid facts, saying what.

    Objects become dataclasses as the JSON parser meets them (``object_hook``): a warm build
    reads every article's facts, so this is on its critical path.  JSON nested deeper than
    the interpreter's recursion limit is refused, not a RecursionError.
    """
    try:
        facts = json.loads(text, object_hook=_object)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if not isinstance(facts, ArticleFacts):
        raise TypeError("not an ArticleFacts entry")
    if problem := schema_problem(facts):
        raise ValueError(problem)
    return facts


# --- Checking entries against the dataclasses they stand for. ---


@cache
def modalities() -> frozenset[str]:
    """The modalities of the ontology's kg:modalities scheme (ontology/kg.ttl)."""
    from rdflib import Graph
    from rdflib.namespace import SKOS

    from kg.resources import ontology_file
    from kg.vocab import KG

    scheme = Graph().parse(ontology_file("kg.ttl"), format="turtle")
    return frozenset(
        str(m).removeprefix(str(KG)) for m in scheme.subjects(SKOS.inScheme, KG.modalities)
    )


# Fields whose values come from a closed list (the type hint only says ``str``).
KNOWN_VALUES: dict[tuple[type, str], Callable[[], Collection[str]]] = {
    (Event, "relation"): lambda: RELATIONS,
    (Event, "modality"): modalities,
    (Mention, "kind"): lambda: ENTITY_KINDS,
}


def schema_problem(value: object) -> str | None:
    """What is wrong with a dataclass read from the cache, or None.

    Every field is checked against its type hint (:func:`typing.get_type_hints`), nested
    dataclasses and tuples included, and against :data:`KNOWN_VALUES`; so a field added
    to a dataclass is checked with no change here.  The check follows the types, not the
    data, so its depth is bounded whatever the entry holds.

    >>> schema_problem(Mention("北朝鮮", 0, 3, "State")) is None
    True
    >>> schema_problem(Mention("北朝鮮", 0, "3", "Planet"))
    'Mention.end: expected int, found str'
    """
    cls = type(value)
    for name, hint, known in _checks(cls):
        item = getattr(value, name)
        if problem := _mismatch(item, hint):
            return f"{cls.__name__}.{name}: {problem}"
        if known is not None and item not in known():
            return f"{cls.__name__}.{name}: unknown value {item!r}"
    return None


@cache
def _checks(cls: type) -> tuple[tuple[str, object, Callable[[], Collection[str]] | None], ...]:
    """Per field of a dataclass: its name, type hint and closed list of values, if any."""
    hints = typing.get_type_hints(cls)
    return tuple(
        (f.name, hints[f.name], KNOWN_VALUES.get((cls, f.name)))
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
    )


@cache
def _shape(hint: object) -> tuple[object, tuple]:
    return typing.get_origin(hint), typing.get_args(hint)


def _mismatch(value: object, hint: object) -> str | None:
    """Why ``value`` does not fit the type hint ``hint``, or None when it does."""
    if hint is typing.Any or hint is object:
        return None
    origin, args = _shape(hint)
    if origin in (typing.Union, types.UnionType):
        problems = [_mismatch(value, option) for option in args]
        return None if None in problems else problems[0]
    if origin in (tuple, list, set, frozenset):
        return _items_mismatch(value, origin, args)
    if hint is type(None):
        return None if value is None else f"expected None, found {_name(value)}"
    if dataclasses.is_dataclass(hint):
        if type(value) is not hint:
            return f"expected {hint.__name__}, found {_name(value)}"
        return schema_problem(value)
    if hint is float and type(value) is int:
        return None
    if isinstance(hint, type) and type(value) is not hint:  # exact: a bool is no int
        return f"expected {hint.__name__}, found {_name(value)}"
    return None  # a hint this check does not know (Any, Literal …) lets the value pass


def _items_mismatch(value: object, origin: type, args: tuple) -> str | None:
    if type(value) is not tuple:  # entries hold JSON lists, read back as tuples
        return f"expected a list, found {_name(value)}"
    if origin is tuple and args and args[-1] is not Ellipsis:
        if len(value) != len(args):
            return f"expected {len(args)} items, found {len(value)}"
        hints = args
    else:
        hints = (args[0] if args else object,) * len(value)
    for index, (item, hint) in enumerate(zip(value, hints, strict=True)):
        if problem := _mismatch(item, hint):
            return f"[{index}]: {problem}"
    return None


def _name(value: object) -> str:
    return "None" if value is None else type(value).__name__


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        plain = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"@": type(value).__name__} | plain
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, dt.datetime):
        return {"@": "datetime", "iso": value.isoformat()}
    if isinstance(value, dt.date):
        return {"@": "date", "iso": value.isoformat()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a {type(value).__name__} cannot be cached")


def _object(fields: dict) -> object:
    """One tagged JSON object as the value it stands for (its lists as tuples)."""
    kind = fields.pop("@")
    if kind == "date":
        return dt.date.fromisoformat(fields["iso"])
    if kind == "datetime":
        return dt.datetime.fromisoformat(fields["iso"])
    for key, value in fields.items():
        if type(value) is list:
            fields[key] = _tuple(value)
    return _CLASSES[kind](**fields)


def _tuple(items: list) -> tuple:
    return tuple(_tuple(item) if type(item) is list else item for item in items)


_CLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (ArticleFacts, UnitFacts, Mention, Event, Evidence)
}
