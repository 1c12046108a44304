"""Files and folders → raw texts with a stable document id."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})


class LoadError(Exception):
    """A path that cannot be read as articles; the message names it and says why."""


@dataclass(frozen=True)
class RawDocument:
    doc_id: str
    source: str  # file name as given (relative paths stay relative)
    text: str


def discover(paths: list[Path]) -> list[Path]:
    """Every article file under ``paths`` (folders searched recursively), sorted."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise LoadError(f"{path}: no such file or folder")
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.suffix.lower() in TEXT_SUFFIXES and p.is_file() and not p.name.startswith(".")
            )
        else:
            files.append(path)
    return files


def read(path: Path) -> RawDocument:
    """Read one file as UTF-8 (a BOM is dropped); the id is a digest of its bytes."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise LoadError(f"{path}: cannot be read ({err.strerror or err})") from err
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise LoadError(f"{path}: not UTF-8 text (byte {err.start})") from err
    if "\x00" in text:
        raise LoadError(f"{path}: looks binary (contains NUL bytes)")
    doc_id = hashlib.sha256(data).hexdigest()[:16]
    return RawDocument(doc_id=doc_id, source=path.name, text=text)


def load(paths: list[Path]) -> Iterator[RawDocument | LoadError]:
    """Each file as a RawDocument, or the LoadError that says why it was skipped."""
    for path in discover(paths):
        try:
            yield read(path)
        except LoadError as err:
            yield err
