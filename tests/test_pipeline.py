"""Tests for kg.pipeline and `kg build`: formats end to end, bad input, cache and -j."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import rdflib

from kg import pipeline
from kg.cli import app
from kg.load import RawDocument
from kg.pipeline import BuildError, BuildOptions, prepare, run

from .conftest import SEEDS

SCHEMA = rdflib.Namespace("https://schema.org/")
DCTERMS = rdflib.namespace.DCTERMS
KG = rdflib.Namespace("https://w3id.org/kg/ns#")

ARTICLES = {
    "a.txt": "2024年6月19日\n\nロシアのプーチン大統領は19日、北朝鮮を訪問し、"
    "金正恩総書記と会談した。\n両首脳は包括的戦略パートナーシップ条約に署名した。\n",
    "b.txt": "2024年6月20日\n\n韓国政府は20日、ロシアと北朝鮮の条約締結を非難した。\n",
    "c.txt": "2024年6月21日\n\n岸田首相は21日、ワシントンを訪問した。\n",
}


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def parsed_texts(monkeypatch) -> list[str]:
    """Every unit text handed to GiNZA from now on (the real parser still runs)."""
    seen: list[str] = []
    real = pipeline.parse

    def spy(items, **kwargs):
        def recorded():
            for unit in items:
                seen.append(unit.text)
                yield unit

        return real(recorded(), **kwargs)

    monkeypatch.setattr(pipeline, "parse", spy)
    return seen


def _build(folder: Path, tmp_path: Path, *, cache: bool = True, jobs: int = 1):
    options = BuildOptions(jobs=jobs, cache_dir=tmp_path / "cache" if cache else None)
    return run([folder], tmp_path / "out", options=options)


def _turtle(tmp_path: Path) -> str:
    return (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")


# --- Metadata a file states wins over what the cleaner finds. ---


def test_a_rows_title_date_and_url_override_the_cleaners():
    raw = RawDocument(
        "d1",
        "news.jsonl:1",
        "2024年6月1日\n\nロシアのプーチン大統領は北朝鮮を訪問した。",
        title="プーチン氏が訪朝",
        date="2024-06-19T10:00:00+09:00",
        url="https://ex.jp/1",
    )
    problems: list[str] = []
    [article] = prepare([raw], problems)
    assert not problems
    assert (article.title, article.date, article.url) == (
        "プーチン氏が訪朝",
        dt.date(2024, 6, 19),
        "https://ex.jp/1",
    )
    assert article.sections[0].date == dt.date(2024, 6, 19)
    assert article.text.startswith("プーチン氏が訪朝\n")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Only English here, no Japanese at all.", "no Japanese text"),
        ("【動画】プーチン氏の訪朝\n※詳しくはこちら\n", "no article text left after cleaning"),
    ],
)
def test_articles_without_japanese_or_without_body_are_reported(text, reason):
    problems: list[str] = []
    assert prepare([RawDocument("d", "x.txt", text, location="in/x.txt")], problems) == []
    assert problems == [f"in/x.txt: {reason}"]


# --- `kg build` over every format and encoding, and bad inputs beside them. ---


def _mixed_corpus(folder: Path) -> None:
    (folder / "sub" / "deeper").mkdir(parents=True)
    (folder / "plain.txt").write_text(ARTICLES["a.txt"], encoding="utf-8-sig")
    (folder / "sub" / "notes.md").write_bytes(("# 非難\n\n" + ARTICLES["b.txt"]).encode("euc_jp"))
    page = (
        "<html><head><meta charset='shift_jis'><title>岸田首相が訪米</title>"
        "<link rel='canonical' href='https://ex.jp/html'></head><body><article>"
        "<h1>岸田首相が訪米</h1><p>岸田首相は21日、ワシントンを訪問した。</p>"
        "</article></body></html>"
    )
    (folder / "sub" / "deeper" / "page.html").write_bytes(page.encode("cp932"))
    rows = [
        {"body": "プーチン大統領は平壌を訪問した。", "title": "訪朝", "date": "2024-06-19",
         "url": "https://ex.jp/row1"},
        {"body": "韓国政府は北朝鮮を非難した。", "date": "2024年6月20日"},
    ]  # fmt: skip
    with (folder / "rows.jsonl").open("w", encoding="utf-8") as stream:
        stream.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    with (folder / "rows.csv").open("w", encoding="cp932", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["title", "date", "body", "url"])
        writer.writerow(["署名", "2024/06/22", "両国は条約に署名した。", "https://ex.jp/csv"])
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "english.txt").write_text("No Japanese text in this one.\n")
    (folder / "undecodable.txt").write_bytes(b"\x85\x20" * 50)


def test_build_reads_every_format_and_encoding_and_skips_bad_files(runner, tmp_path):
    corpus = tmp_path / "in"
    _mixed_corpus(corpus)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", str(corpus), "-o", str(out), "--text-field", "body", "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped:")]
    assert len(skipped) == 4
    for name, reason in [
        ("empty.txt", "empty file"),
        ("binary.txt", "looks binary"),
        ("english.txt", "no Japanese text"),
        ("undecodable.txt", "not text in"),
    ]:
        assert any(name in line and reason in line for line in skipped), (name, skipped)
    graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    sources = {str(o) for o in graph.objects(None, DCTERMS.source)}
    assert sources == {"plain.txt", "notes.md", "page.html", "rows.jsonl:1", "rows.jsonl:2",
                       "rows.csv:2"}  # fmt: skip
    urls = {str(o) for o in graph.objects(None, SCHEMA.url)}
    assert urls == {"https://ex.jp/html", "https://ex.jp/row1", "https://ex.jp/csv"}
    row = next(graph.subjects(SCHEMA.url, rdflib.Literal("https://ex.jp/row1",
                                                        datatype=rdflib.XSD.anyURI)))  # fmt: skip
    assert str(graph.value(row, DCTERMS.title)) == "訪朝"
    assert str(graph.value(row, DCTERMS.date)) == "2024-06-19"


def test_nothing_buildable_fails_with_one_line_per_file(runner, tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "english.txt").write_text("English only.\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(corpus), str(tmp_path / "gone"), "-o", str(out)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1] == "error: nothing to build: every input was skipped"
    assert len([line for line in lines if line.startswith("skipped:")]) == 3
    assert "Traceback" not in result.output and not (out / "graph.ttl").exists()


def test_strict_makes_any_bad_file_fatal(runner, corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    strict = runner.invoke(app, ["build", str(corpus), "-o", str(out), "--strict", "--no-cache"])
    assert strict.exit_code == 1
    assert f"error: {corpus / 'empty.txt'}: empty file" in strict.output
    assert "--strict: 1 bad input; nothing built" in strict.output
    assert not (out / "graph.ttl").exists()


def test_an_unexpected_error_is_one_line_not_a_traceback(runner, corpus, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("graph exploded")

    monkeypatch.setattr(pipeline, "build_graph", broken)
    result = runner.invoke(app, ["build", str(corpus), "-o", str(tmp_path / "o"), "--no-cache"])
    assert result.exit_code == 1
    assert "build failed: RuntimeError: graph exploded" in result.output
    assert "Traceback" not in result.output


def test_build_help_shows_the_new_options(runner):
    result = runner.invoke(app, ["build", "--help"])
    for option in ("--jobs", "--cache", "--no-cache", "--strict", "--text-field", "--max-size"):
        assert option in result.output


# --- One bad text fails alone. ---


def test_an_extraction_failure_skips_only_its_article(corpus, tmp_path, monkeypatch):
    real = pipeline.Extractor

    def extractor(doc, offset, article, *rest, **options):
        if article.source == "b.txt":
            raise RuntimeError("rule tripped")
        return real(doc, offset, article, *rest, **options)

    monkeypatch.setattr(pipeline, "Extractor", extractor)
    result = _build(corpus, tmp_path, cache=False)
    assert [a.source for a in result.articles] == ["a.txt", "c.txt"]
    assert result.problems == ["b.txt: extraction failed (RuntimeError: rule tripped)"]


def test_a_parse_failure_skips_only_its_article(corpus, tmp_path, monkeypatch):
    real = pipeline.parse

    def parse(items, **kwargs):
        items = list(items)
        if any("韓国政府" in unit.text for unit in items):
            raise ValueError("tokenizer refused")
        return real(items, **kwargs)

    monkeypatch.setattr(pipeline, "parse", parse)
    result = _build(corpus, tmp_path, cache=False)
    assert [a.source for a in result.articles] == ["a.txt", "c.txt"]
    assert result.problems == ["b.txt: could not be parsed (ValueError: tokenizer refused)"]


# --- The cache. ---


def test_a_second_build_parses_and_extracts_nothing(corpus, tmp_path, parsed_texts):
    first = _build(corpus, tmp_path)
    assert (first.parsed, first.reused) == (3, 0) and parsed_texts
    before = _turtle(tmp_path)
    parsed_texts.clear()
    second = _build(corpus, tmp_path)
    assert (second.parsed, second.reextracted, second.reused) == (0, 0, 3)
    assert parsed_texts == []
    assert _turtle(tmp_path) == before


def test_one_changed_article_is_the_only_one_parsed(corpus, tmp_path, parsed_texts):
    _build(corpus, tmp_path)
    parsed_texts.clear()
    (corpus / "b.txt").write_text(ARTICLES["b.txt"] + "日本政府も非難した。\n", encoding="utf-8")
    result = _build(corpus, tmp_path)
    assert (result.parsed, result.reused) == (1, 2)
    assert parsed_texts and all("非難" in text for text in parsed_texts)
    assert not any("プーチン" in text or "岸田" in text for text in parsed_texts)


def test_a_rule_change_re_extracts_without_parsing(corpus, tmp_path, monkeypatch):
    _build(corpus, tmp_path)
    before = _turtle(tmp_path)
    monkeypatch.setattr(pipeline, "extraction_version", lambda: "rules edited")
    monkeypatch.setattr(pipeline, "parse", lambda *a, **k: pytest.fail("parsed again"))
    result = _build(corpus, tmp_path)
    assert (result.parsed, result.reextracted, result.reused) == (0, 3, 0)
    assert _turtle(tmp_path) == before


def test_a_model_change_parses_again(corpus, tmp_path, monkeypatch):
    _build(corpus, tmp_path)
    monkeypatch.setattr(pipeline, "model_version", lambda: "ja_ginza-99")
    assert _build(corpus, tmp_path).parsed == 3


def test_corrupt_entries_are_rebuilt_not_fatal(corpus, tmp_path):
    _build(corpus, tmp_path)
    before = _turtle(tmp_path)
    entries = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert len(entries) == 6
    for entry in entries:
        entry.write_bytes(b"\x00garbage")
    result = _build(corpus, tmp_path)
    assert (result.parsed, result.problems) == (3, [])
    [note] = result.notes
    assert note.startswith("cache: 6 entries were not valid, deleted and rebuilt"), note
    assert _turtle(tmp_path) == before
    assert (_build(corpus, tmp_path).reused) == 3, "the rebuilt entries are good"


@pytest.mark.parametrize(
    "spoil",
    [
        lambda text: re.sub(r'"relation":"\w+"', '"relation":"bombed"', text),
        lambda text: text.replace(
            '"doc_id":', '"doc_id":' + "[" * 100_000 + "]" * 100_000 + ',"x":', 1
        ),
    ],
    ids=["unknown-relation", "deeply-nested"],
)
def test_valid_json_but_wrong_facts_are_rebuilt_with_a_note(corpus, tmp_path, spoil):
    _build(corpus, tmp_path)
    before = _turtle(tmp_path)
    spoiled = 0
    for entry in (tmp_path / "cache").rglob("*.json"):
        text = entry.read_text(encoding="utf-8")
        if '"relation":' in text:
            entry.write_text(spoil(text), encoding="utf-8")
            spoiled += 1
    assert spoiled
    result = _build(corpus, tmp_path)
    assert result.problems == [] and result.reextracted == spoiled
    [note] = result.notes
    assert note.startswith(f"cache: {spoiled} ") and "deleted and rebuilt" in note
    assert _turtle(tmp_path) == before
    assert _build(corpus, tmp_path).notes == []


def test_a_parse_entry_holding_another_text_is_not_used(corpus, tmp_path):
    _build(corpus, tmp_path)
    before = _turtle(tmp_path)
    parses = sorted((tmp_path / "cache").rglob("*.spacy"))
    contents = [p.read_bytes() for p in parses]
    for path, data in zip(parses, contents[1:] + contents[:1], strict=True):
        path.write_bytes(data)  # every entry now holds another article's parse
    for facts in (tmp_path / "cache").rglob("*.json"):
        facts.unlink()
    result = _build(corpus, tmp_path)
    assert result.parsed == 3 and _turtle(tmp_path) == before


def test_articles_sharing_a_text_are_parsed_once(corpus, tmp_path, parsed_texts):
    # The same article saved twice, once with a footer the cleaner removes.
    (corpus / "a-copy.txt").write_text(ARTICLES["a.txt"] + "\n関連記事\n他の記事\n")
    result = _build(corpus, tmp_path, cache=False)
    assert len(result.articles) == 4 and result.parsed == 3
    assert sum("プーチン" in text for text in parsed_texts) == 1
    by_doc = {e.evidence.doc_id for e in result.events}
    assert len(by_doc) == 4, "each copy keeps its own events"


def test_cache_location_default_explicit_and_none(runner, corpus, tmp_path):
    out = tmp_path / "build" / "out"
    assert runner.invoke(app, ["build", str(corpus), "-o", str(out), "--no-cache"]).exit_code == 0
    assert not (tmp_path / "build" / ".kg-cache").exists()
    assert runner.invoke(app, ["build", str(corpus), "-o", str(out)]).exit_code == 0
    assert list((tmp_path / "build" / ".kg-cache").rglob("*.spacy"))
    custom = tmp_path / "elsewhere"
    result = runner.invoke(app, ["build", str(corpus), "-o", str(out), "--cache", str(custom)])
    assert result.exit_code == 0 and len(list(custom.rglob("*.json"))) == 3
    assert "3 distinct texts: 3 parsed" in result.output  # a new folder holds nothing yet


def test_an_unwritable_cache_is_a_note_and_the_build_goes_on(corpus, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    options = BuildOptions(jobs=1, cache_dir=blocker / "cache")
    result = run([corpus], tmp_path / "out", options=options)
    assert len(result.articles) == 3 and result.problems == []
    assert result.notes and "cache cannot be written" in result.notes[0]


# --- -j: processes. ---


def test_parallel_build_of_the_seeds_equals_the_serial_one(seeds_build, tmp_path, monkeypatch):
    _, serial = seeds_build
    monkeypatch.setattr(pipeline, "MIN_CHARS_PER_WORKER", 0)  # the seeds are small
    result = run([SEEDS], tmp_path / "out", options=BuildOptions(jobs=2, cache_dir=None))
    assert result.processes == 2 and result.parsed == len(list(SEEDS.glob("*.txt")))
    parallel = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert parallel == (serial / "graph.ttl").read_text(encoding="utf-8")


def test_small_builds_do_not_start_processes(corpus, tmp_path):
    assert _build(corpus, tmp_path, cache=False, jobs=8).processes == 1


def test_results_come_in_order_with_a_bounded_number_in_flight():
    consumed: list[int] = []

    def items():
        for i in range(20):
            consumed.append(i)
            yield i

    def slow_square(i: int) -> int:
        time.sleep(0.01 * (i % 3))
        return i * i

    with ThreadPoolExecutor(4) as pool:
        results = pipeline._in_order(pool, slow_square, items(), window=3)
        assert next(results) == 0 and len(consumed) <= 3
        assert list(results) == [i * i for i in range(1, 20)]


def test_build_error_lists_every_problem(tmp_path):
    with pytest.raises(BuildError) as raised:
        run([tmp_path / "a", tmp_path / "b"], tmp_path / "out")
    assert len(raised.value.problems) == 2


# --- The benchmark runs end to end (tiny). ---


def test_the_build_benchmark_runs_tiny(capsys):
    from kg.bench.build import main

    args = ["--articles", "2", "--paragraphs", "1", "--jobs", "1", "--warm-runs", "1"]
    assert main([*args, "--seeds", str(SEEDS)]) == 0
    report = capsys.readouterr().out
    assert "| kg build cold -j 1 " in report and "chars/s" in report
    assert "1 parsed" in report.split("one article changed")[1].splitlines()[0]
    assert "cold -j 1 / bare 1" in report and "peak memory" in report


def test_the_build_benchmark_needs_articles_to_draw_from(tmp_path, capsys):
    from kg.bench.build import main

    assert main(["--articles", "2", "--seeds", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no sentences") and err.count("\n") == 1


def test_the_bare_parse_benchmark_parses_what_build_would(tmp_path, capsys, nlp):
    from kg.bench.bare import main

    (tmp_path / "a.txt").write_text(
        "2024年6月20日\n\nプーチン大統領は19日、平壌を訪問した。\n両首脳は条約に署名した。\n",
        encoding="utf-8",
    )
    assert main([str(tmp_path), "-j", "1"]) == 0
    report = capsys.readouterr().out
    assert "2 parse units" in report and report.rstrip().endswith("chars/s")
    assert main([str(tmp_path / "missing")]) == 1
