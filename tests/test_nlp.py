"""Tests for kg.nlp: parse units, cached parses (DocBin) and the model version."""

from __future__ import annotations

import pytest

from kg import nlp as nlp_module
from kg.clean import clean
from kg.nlp import docs_from_bytes, docs_to_bytes, model_version, parse, units
from kg.pipeline import extract_article

from .conftest import SEEDS


@pytest.fixture(scope="module")
def seed_parses(nlp):
    """Two seed articles, cleaned and parsed: [(article, [(doc, unit), ...]), ...]."""
    parsed = []
    for path in sorted(SEEDS.glob("*.txt"))[:2]:
        article = clean(path.read_text(encoding="utf-8"), doc_id=path.stem, source=path.name)
        parsed.append((article, list(parse(units(article.doc_id, article.text)))))
    return parsed


def _token_view(doc):
    """Everything extraction reads from a Doc, as plain values."""
    tokens = [
        (t.text, t.whitespace_, t.tag_, t.pos_, t.lemma_, t.norm_, str(t.morph), t.dep_)
        + (t.head.i, t.is_sent_start, t.is_punct, t.ent_iob_, t.ent_type_)
        for t in doc
    ]
    ents = [(e.start, e.end, e.label_) for e in doc.ents]
    sents = [(s.start, s.end) for s in doc.sents]
    return tokens, ents, sents


def test_docbin_round_trip_keeps_what_extraction_reads(seed_parses):
    import ginza

    for _, pairs in seed_parses:
        docs = [doc for doc, _ in pairs]
        restored = docs_from_bytes(docs_to_bytes(docs))
        assert len(restored) == len(docs)
        for before, after in zip(docs, restored, strict=True):
            assert _token_view(after) == _token_view(before)
            spans = [[s.text for s in ginza.bunsetu_spans(x)] for x in (before, after)]
            assert spans[0] == spans[1]


def test_docbin_round_trip_gives_identical_extraction(seed_parses, gazetteer):
    found_events = 0
    for article, pairs in seed_parses:
        docs = docs_from_bytes(docs_to_bytes(doc for doc, _ in pairs))
        restored = list(zip(docs, (unit for _, unit in pairs), strict=True))
        fresh = extract_article(article, pairs, gazetteer)
        assert extract_article(article, restored, gazetteer) == fresh
        found_events += sum(len(unit.events) for unit in fresh.units)
    assert found_events > 0, "the comparison must cover real events"


def test_corrupt_docbin_bytes_raise():
    with pytest.raises(Exception):  # noqa: B017 (whatever DocBin's decoders raise)
        docs_from_bytes(b"\x00not a docbin")


def test_model_version_names_the_model_and_never_loads_it(monkeypatch):
    monkeypatch.setattr(nlp_module, "load_nlp", lambda *a: pytest.fail("the model was loaded"))
    version = model_version.__wrapped__()
    assert version.startswith("ja_ginza-") and "sudachidict_core-" in version
    assert "kg.nlp-" in version


def test_model_version_of_a_missing_model_is_a_clear_error():
    with pytest.raises(nlp_module.ModelMissingError, match="not installed"):
        model_version.__wrapped__("no_such_model_package")


def test_long_lines_are_cut_at_sentence_ends():
    sentence = "北朝鮮を訪問した。"
    line = sentence * (nlp_module.MAX_UNIT_CHARS // len(sentence) + 10)
    cut = list(units("d", line))
    assert len(cut) == 2 and all(u.text.endswith("。") for u in cut)
    assert "".join(u.text for u in cut) == line and cut[1].offset == len(cut[0].text)
