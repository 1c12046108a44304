"""The build cache: parses and extracted facts kept between builds, by content.

Two kinds of entry, each one file, content-addressed:

* **parse** — the spaCy DocBin of one cleaned text (its parse units, in order), keyed by
  the text and :func:`kg.nlp.model_version`; any article with the same cleaned text reuses it.
* **facts** — what extraction found in one article (its mentions with the entity ids they
  resolved to, and its events, unit by unit), keyed by the parse key, the article's other
  fields (id, dates, sections) and the extraction version (rules, gazetteer and code).

So a changed article is parsed again and nothing else; a rule change re-runs extraction
over cached parses; a new model version re-parses everything.  Entries are written to a
temporary file and renamed into place, so a reader never sees half of one; an entry that
cannot be read back is deleted and rebuilt.  The folder is safe to delete at any time.

Layout: ``ROOT/v1/parse/ab/<key>.spacy`` and ``ROOT/v1/facts/ab/<key>.json``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kg.model import Article, Event, Evidence, Mention

LAYOUT = "v1"
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

    def read_facts(self, key: str) -> ArticleFacts | None:
        """The facts stored under ``key``; None when missing or unreadable (then deleted)."""
        path = self._path("facts", key, ".json")
        data = self._read(path)
        if data is None:
            return None
        try:
            return facts_from_json(data.decode("utf-8"))
        except (ValueError, TypeError, KeyError, AttributeError):
            with contextlib.suppress(OSError):
                path.unlink()
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

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """Write via a temporary file in the same folder and a rename; never half a file."""
        temporary = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except OSError:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


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
    """The inverse of :func:`facts_to_json`; raises on anything malformed.

    Objects become dataclasses as the JSON parser meets them (``object_hook``): a warm build
    reads every article's facts, so this is on its critical path.
    """
    facts = json.loads(text, object_hook=_object)
    if not isinstance(facts, ArticleFacts):
        raise TypeError("not an ArticleFacts entry")
    return facts


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
