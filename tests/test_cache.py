"""Tests for kg.cache: keys, atomic entries, and corrupt entries read as misses."""

from __future__ import annotations

import dataclasses
import datetime as dt
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
