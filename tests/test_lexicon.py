"""python -m kg.bench lexicon: the decisions of ontology/lexicon.yaml hold for rules.yaml."""

from __future__ import annotations

from collections import Counter

import pytest

from kg.bench import lexicon


def test_every_word_of_the_rules_is_decided_added_and_every_added_word_is_a_rule():
    """A trigger, supply item or carrier noun added to rules.yaml has its decision in
    lexicon.yaml, and a word decided 'added' is in rules.yaml: the two stay one record."""
    decisions = lexicon.read_decisions()
    for name in lexicon.LISTS:
        words = lexicon.current_words(name)
        added = {w for w, d in decisions.get(name, {}).items() if d.added}
        assert words == added, (name, sorted(words ^ added))
        left_out = [w for w, d in decisions[name].items() if not d.added]
        assert all(decisions[name][w].why for w in left_out)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("visited: [訪問]\n", "holds 'added'"),
        ("nowhere:\n  added: [訪問]\n", "unknown list"),
        ("visited:\n  added: [訪問]\n  not added:\n    reason: [訪問]\n", "decided twice"),
    ],
)
def test_a_malformed_decisions_file_is_one_line(tmp_path, text, message):
    path = tmp_path / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        lexicon.read_decisions(path)


def test_candidates_are_the_list_its_neighbours_and_the_readers_words(nlp):
    """The table of one list: its words, the nearest corpus words in the model's vectors
    (never the word itself), the reader's words; each with its count and decision."""
    counts = Counter(訪問=9, 訪れる=7, 会談=5, 滞在=4, 帰国=3, 天気=2)
    neighbours = lexicon.nearest(["訪問"], nlp.vocab, counts, size=3, least=2)
    assert "訪問" not in neighbours and len(neighbours) == 3
    assert all(of == "訪問" and -1 <= score <= 1 for of, score in neighbours.values())
    decisions = {"帰国": lexicon.Decision(False, "returning home")}
    rows = lexicon.rows_for("visited", counts, neighbours, decisions, ["参拝"])
    by_word = {r.word: r for r in rows}
    assert by_word["訪問"].source == "list" and by_word["訪問"].count == 9
    assert by_word["参拝"].source == "list"  # a trigger of rules.yaml, not a reader's word
    assert [r.count for r in rows] == sorted((r.count for r in rows), reverse=True)
