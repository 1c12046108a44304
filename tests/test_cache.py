"""Tests for kg.cache: keys, atomic entries, and corrupt entries read as misses."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from kg.cache import (
    ArticleFacts,
    Cache,
    UnitFacts,
    default_cache_dir,
    facts_from_json,
    facts_key,
    facts_to_json,
    parse_key,
)
from kg.model import Article, Event, Evidence, Mention, Section

ARTICLE = Article(
    "doc1", "a.txt", "北朝鮮を訪問した。", "訪朝", dt.date(2024, 6, 19), "https://ex.jp/1",
    (Section(0, 9, "訪朝", dt.date(2024, 6, 19)),),
)  # fmt: skip


def _facts() -> ArticleFacts:
    mention = Mention("北朝鮮", 0, 3, "State", "state/KP", title=None, members=("state/KP",))
    evidence = Evidence("doc1", "北朝鮮を訪問した。", 0, 9, published=dt.date(2024, 6, 19))
    event = Event(
        "visited", "person/x", "state/KP", evidence, "visit-1", attributed_to=("state/RU",)
    )
    return ArticleFacts("doc1", (UnitFacts(((mention, ("state/KP",)),), (event,)),))


def test_facts_survive_json_exactly():
    facts = _facts()
    assert facts_from_json(facts_to_json(facts)) == facts


def test_facts_with_a_value_json_cannot_carry_are_not_written(tmp_path):
    bad = ArticleFacts("d", (UnitFacts((), ()),))
    object.__setattr__(bad, "doc_id", {1, 2})  # a set: no JSON form
    cache = Cache(tmp_path)
    cache.write_facts("k" * 64, bad)
    assert cache.read_facts("k" * 64) is None


@pytest.mark.parametrize(
    ("change", "same"),
    [
        (lambda text, model: (text, model), True),
        (lambda text, model: (text + "。", model), False),
        (lambda text, model: (text, model + "-2"), False),
    ],
    ids=["same", "text", "model"],
)
def test_parse_key_follows_text_and_model(change, same):
    text, model = "北朝鮮を訪問した。", "ja_ginza-5.3.0"
    assert (parse_key(text, model) == parse_key(*change(text, model))) is same


@pytest.mark.parametrize(
    ("change", "same"),
    [
        (lambda a, v: (a, v), True),
        (lambda a, v: (dataclasses.replace(a, doc_id="doc2"), v), False),
        (lambda a, v: (dataclasses.replace(a, date=dt.date(2024, 6, 20)), v), False),
        (lambda a, v: (dataclasses.replace(a, sections=()), v), False),
        (lambda a, v: (a, v + "x"), False),
    ],
    ids=["same", "doc-id", "date", "sections", "extraction-version"],
)
def test_facts_key_follows_article_fields_and_extraction_version(change, same):
    parse = parse_key(ARTICLE.text, "m")
    assert (facts_key(parse, ARTICLE, "v1") == facts_key(parse, *change(ARTICLE, "v1"))) is same


def test_entries_round_trip_and_leave_no_temporary_files(tmp_path):
    cache = Cache(tmp_path / "c")
    cache.write_parse("ab" * 32, b"docbin bytes")
    cache.write_facts("cd" * 32, _facts())
    assert cache.has_parse("ab" * 32) and not cache.has_parse("ef" * 32)
    assert cache.read_parse("ab" * 32) == b"docbin bytes"
    assert cache.read_facts("cd" * 32) == _facts()
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == [f"c/v1/facts/cd/{'cd' * 32}.json", f"c/v1/parse/ab/{'ab' * 32}.spacy"]


@pytest.mark.parametrize(
    "garbage",
    [b"", b"not json", b'{"@": "ArticleFacts"}', b'{"@": "Unknown"}', b"\xff\xfe", b"[1, 2]"],
)
def test_a_corrupt_facts_entry_is_a_miss_and_is_deleted(tmp_path, garbage):
    cache = Cache(tmp_path)
    cache.write_facts("cd" * 32, _facts())
    [path] = list(tmp_path.rglob("*.json"))
    path.write_bytes(garbage)
    assert cache.read_facts("cd" * 32) is None
    assert not path.exists()


def test_a_missing_entry_is_a_miss(tmp_path):
    cache = Cache(tmp_path / "never-created")
    assert cache.read_parse("ab" * 32) is None and cache.read_facts("ab" * 32) is None


def test_an_unwritable_cache_says_so_and_writes_are_skipped(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = Cache(blocker / "cache")
    assert cache.usable() is not None and str(blocker / "cache") in cache.usable()
    cache.write_parse("ab" * 32, b"x")  # does not raise
    assert cache.read_parse("ab" * 32) is None


def test_the_default_cache_sits_beside_the_output_folder():
    assert default_cache_dir(Path("/data/build/out")) == Path("/data/build/.kg-cache")


# --- Entries that are valid JSON but not valid facts: validated on read, deleted. ---


def _stored(tmp_path: Path) -> tuple[Cache, Path, dict]:
    cache = Cache(tmp_path)
    cache.write_facts("cd" * 32, _facts())
    [path] = list(tmp_path.rglob("*.json"))
    return cache, path, json.loads(path.read_text(encoding="utf-8"))


def _event(entry: dict) -> dict:
    return entry["units"][0]["events"][0]


def _mention(entry: dict) -> dict:
    return entry["units"][0]["mentions"][0][0]


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda e: _event(e).update(relation="bombed"), "Event.relation: unknown value 'bombed'"),
        (lambda e: _event(e).update(modality="rumoured"), "Event.modality: unknown value"),
        (lambda e: _mention(e).update(kind="Planet"), "Mention.kind: unknown value 'Planet'"),
        (lambda e: _mention(e).update(start="0"), "Mention.start: expected int, found str"),
        (lambda e: _mention(e).update(start=True), "Mention.start: expected int, found bool"),
        (lambda e: _event(e)["evidence"].update(published=7), "Evidence.published: expected"),
        (lambda e: _event(e).update(attributed_to=[["state/RU"]]), "Event.attributed_to: [0]"),
        (lambda e: e["units"][0].update(mentions=[["x"]]), "UnitFacts.mentions: [0]"),
        (lambda e: e.update(units={"@": "date", "iso": "2024-06-19"}), "ArticleFacts.units"),
        (lambda e: e.update(doc_id=None), "ArticleFacts.doc_id: expected str, found None"),
    ],
    ids=[
        "relation", "modality", "kind", "str-for-int", "bool-for-int", "int-for-date",
        "nested-list", "bad-pair", "date-for-tuple", "none-for-str",
    ],
)  # fmt: skip
def test_an_entry_that_breaks_the_schema_is_deleted_with_its_reason(tmp_path, spoil, reason):
    cache, path, entry = _stored(tmp_path)
    spoil(entry)
    path.write_text(json.dumps(entry), encoding="utf-8")
    rejected: list[str] = []
    assert cache.read_facts("cd" * 32, rejected) is None
    assert not path.exists()
    [note] = rejected
    assert reason in note and "\n" not in note, note


@pytest.mark.parametrize("depth", [50, 100_000])
def test_deeply_nested_json_is_rejected_not_a_recursion_error(tmp_path, depth):
    cache, path, entry = _stored(tmp_path)
    text = json.dumps(entry).replace('"doc_id":"doc1"', '"doc_id":' + "[" * depth + "]" * depth)
    path.write_text(text.replace('"doc_id": "doc1"', '"doc_id": ' + "[" * depth + "]" * depth))
    rejected: list[str] = []
    assert cache.read_facts("cd" * 32, rejected) is None
    assert rejected and not path.exists()


def test_a_valid_entry_is_read_and_nothing_is_rejected(tmp_path):
    cache, _, _ = _stored(tmp_path)
    rejected: list[str] = []
    assert cache.read_facts("cd" * 32, rejected) == _facts() and rejected == []


def test_the_validator_follows_new_fields_without_changes(tmp_path, monkeypatch):
    """A field added to a dataclass is checked by its type hint, with no edit to the cache."""

    @dataclasses.dataclass(frozen=True)
    class Tagged:
        label: str
        weight: float = 0.0
        tags: tuple[str, ...] = ()

    from kg import cache as cache_module

    monkeypatch.setitem(cache_module._CLASSES, "Tagged", Tagged)
    assert cache_module.schema_problem(Tagged("a", 1, ("x",))) is None
    assert "Tagged.tags: [1]: expected str, found int" in cache_module.schema_problem(
        Tagged("a", 1.5, ("x", 2))
    )


def test_temporary_files_of_a_killed_writer_are_removed_and_a_live_ones_kept(tmp_path):
    import os
    import subprocess
    import time

    cache = Cache(tmp_path)
    legacy_old, legacy_new = tmp_path / "v1/facts/cd/.x1.tmp", tmp_path / "v1/facts/cd/.x2.tmp"
    legacy_old.parent.mkdir(parents=True)
    for path in (legacy_old, legacy_new):
        path.write_bytes(b"an earlier version's")
    an_hour_ago = time.time() - 3700
    os.utime(legacy_old, (an_hour_ago, an_hour_ago))
    assert cache.remove_leftovers() == 1 and legacy_new.exists()
    cache.write_facts("cd" * 32, _facts())
    gone = subprocess.Popen(["true"])
    gone.wait()
    folder = tmp_path / "v1" / "tmp"
    dead, live = folder / f"{gone.pid}.abc.tmp", folder / f"{os.getpid()}.def.tmp"
    for path in (dead, live):
        path.write_bytes(b"half an entry")
    assert cache.remove_leftovers() == 1
    assert not dead.exists() and live.exists()
    assert cache.read_facts("cd" * 32) == _facts()
