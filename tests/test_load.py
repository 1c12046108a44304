"""Tests for kg.load: formats, encodings and bad inputs, each giving one clear reason."""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import pytest

from kg import load as load_module
from kg.load import (
    LoadError,
    LoadOptions,
    RawDocument,
    decode,
    detect_encoding,
    discover,
    load,
    read,
)

from .conftest import SEEDS

SENTENCE = "ロシアのプーチン大統領は19日、北朝鮮を訪問し、金正恩総書記と会談した。"
SECOND = "両首脳は包括的戦略パートナーシップ条約に署名した。"
TEXT = f"{SENTENCE}\n{SECOND}\n"


def _seed_sentences() -> list[str]:
    """Real sentences of every length: the seeds' lines that end a sentence."""
    lines = SEEDS.joinpath("000_c2c6a1280868daa3.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip().endswith("。")][:12]


def _documents(path: Path, **options) -> list[RawDocument]:
    found = list(read(path, LoadOptions(**options)))
    errors = [str(item) for item in found if isinstance(item, LoadError)]
    assert not errors, errors
    return found  # type: ignore[return-value]


def _error(path: Path, **options) -> str:
    found = list(read(path, LoadOptions(**options)))
    assert len(found) == 1 and isinstance(found[0], LoadError), found
    return str(found[0])


# --- Encodings. ---

ENCODINGS = ["utf-8", "utf-8-sig", "cp932", "shift_jis", "euc_jp", "iso2022_jp", "utf-16"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_each_encoding_reads_back_the_text(tmp_path, encoding):
    path = tmp_path / "article.txt"
    path.write_bytes(TEXT.encode(encoding))
    [document] = _documents(path)
    assert document.text == TEXT


@pytest.mark.parametrize("encoding", ["cp932", "euc_jp", "iso2022_jp"])
def test_legacy_encodings_of_real_sentences_short_and_long(encoding):
    sentences = _seed_sentences()
    assert len(sentences) >= 5
    for sentence in sentences:
        for text in (sentence[:6], sentence):  # a few characters are the hard case
            assert decode(text.encode(encoding)) == text, (encoding, text)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp932", "cp932"), ("euc_jp", "euc_jp")],
)
def test_detect_encoding_names_the_codec(encoding, expected):
    assert detect_encoding((SENTENCE * 3).encode(encoding)) == expected


def test_an_html_page_in_shift_jis(tmp_path):
    page = _html(title="プーチン氏が訪朝", body=(SENTENCE, SECOND))
    path = tmp_path / "page.html"
    path.write_bytes(page.replace("utf-8", "shift_jis").encode("cp932"))
    [document] = _documents(path)
    assert SENTENCE in document.text and document.title == "プーチン氏が訪朝"


# --- Formats. ---


def _html(title: str, body: tuple[str, ...], url: str = "https://example.jp/news/1") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    return (
        f'<html><head><meta charset="utf-8"><title>{title} | 架空新聞</title>'
        f'<link rel="canonical" href="{url}">'
        '<meta property="article:published_time" content="2024-06-19T10:00:00+09:00">'
        "</head><body><nav><a href='/'>ホーム</a> <a href='/p'>政治</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Copyright 架空新聞 All rights reserved.</footer></body></html>"
    )


@pytest.mark.parametrize("suffix", [".txt", ".md", ".text"])
def test_text_files_are_one_article(tmp_path, suffix):
    path = tmp_path / f"article{suffix}"
    path.write_text(TEXT, encoding="utf-8")
    [document] = _documents(path)
    assert (document.text, document.source, document.location) == (TEXT, path.name, str(path))
    assert document.title is None and document.url is None


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_html_main_text_and_metadata_come_from_trafilatura(tmp_path, suffix):
    path = tmp_path / f"page{suffix}"
    path.write_text(_html("プーチン氏が訪朝", (SENTENCE, SECOND)), encoding="utf-8")
    [document] = _documents(path)
    assert SENTENCE in document.text and SECOND in document.text
    assert "<p>" not in document.text and "Copyright" not in document.text
    assert document.title == "プーチン氏が訪朝"
    assert document.date == "2024-06-19"
    assert document.url == "https://example.jp/news/1"


def test_jsonl_one_article_per_line_with_metadata(tmp_path):
    rows = [
        {"text": SENTENCE, "title": "訪朝", "date": "2024-06-19", "url": "https://ex.jp/1"},
        {"text": SECOND, "date": 20240620},
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n")
    first, second = _documents(path)
    assert (first.text, first.title, first.date, first.url) == (
        SENTENCE,
        "訪朝",
        "2024-06-19",
        "https://ex.jp/1",
    )
    assert (second.title, second.date, second.url) == (None, "20240620", None)
    assert (first.source, second.location) == ("news.jsonl:1", f"{path}:2")
    assert first.doc_id != second.doc_id


def test_csv_one_article_per_row_and_text_field(tmp_path):
    path = tmp_path / "news.csv"
    with path.open("w", encoding="cp932", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Title", "date", "body", "url"])
        writer.writerow(["訪朝", "2024年6月19日", f"{SENTENCE}\n{SECOND}", "https://ex.jp/2"])
        writer.writerow(["署名", "", SECOND, ""])
    first, second = _documents(path, text_field="body")
    assert first.text == f"{SENTENCE}\n{SECOND}"
    assert (first.title, first.date, first.url) == ("訪朝", "2024年6月19日", "https://ex.jp/2")
    assert (second.date, second.url) == (None, None)
    assert (first.source, second.source) == ("news.csv:2", "news.csv:4")  # a field spans lines


def test_row_ids_are_stable_and_independent_of_other_rows(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    one.write_text(json.dumps({"text": SENTENCE}) + "\n")
    two.write_text(json.dumps({"text": SECOND}) + "\n" + json.dumps({"text": SENTENCE}) + "\n")
    [alone] = _documents(one)
    _, moved = _documents(two)
    assert alone.doc_id == moved.doc_id
    assert alone.doc_id == _documents(one)[0].doc_id


def test_file_ids_are_a_digest_of_the_bytes(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(TEXT, encoding="utf-8")
    b.write_text(TEXT, encoding="cp932")
    assert _documents(a)[0].doc_id != _documents(b)[0].doc_id
    assert _documents(a)[0].doc_id == _documents(a)[0].doc_id


def test_folders_are_searched_recursively_in_sorted_order(tmp_path):
    for name in ("b/deep/x.md", "a/y.txt", "a/z.html", "c.jsonl", "d.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    for skipped in (".hidden.txt", ".git/h.txt", "notes.pdf", "image.png"):
        (tmp_path / skipped).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / skipped).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])]
    assert found == ["c.jsonl", "d.csv", "a/y.txt", "a/z.html", "b/deep/x.md"]


def test_a_file_named_explicitly_is_read_whatever_its_suffix(tmp_path):
    path = tmp_path / "article.dat"
    path.write_text(TEXT, encoding="utf-8")
    assert [d.text for d in load([path])] == [TEXT]


# --- Bad inputs: one clear line naming the file, and the rest still loads. ---


def _binary(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 8)


def _undecodable(path: Path) -> None:
    path.write_bytes(b"\x85\x20" * 100)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _blank(path: Path) -> None:
    path.write_text(" \n\u3000\n")


def _broken_html(path: Path) -> None:
    path.write_text("<html><body><script>var x = 1;</script></body></html>")


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("empty.txt", _empty, "empty file"),
        ("blank.txt", _blank, "no text"),
        ("binary.txt", _binary, "looks binary"),
        ("nul.txt", lambda p: p.write_bytes(SENTENCE.encode() + b"\x00\x00"), "looks binary"),
        ("undecodable.txt", _undecodable, "not text in UTF-8, Shift_JIS, EUC-JP or ISO-2022-JP"),
        ("empty.html", _broken_html, "no article text found in the HTML"),
        ("empty.jsonl", _empty, "empty file"),
        ("binary.csv", _binary, "looks binary"),
    ],
)
def test_a_bad_file_is_one_line_naming_it(tmp_path, name, make, reason):
    path = tmp_path / name
    make(path)
    message = _error(path)
    assert message.startswith(f"{path}: ") and reason in message
    assert "\n" not in message


def test_a_missing_path_is_reported_and_the_rest_loads(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    found = list(load([tmp_path / "missing", good]))
    assert str(found[0]) == f"{tmp_path / 'missing'}: no such file or folder"
    assert isinstance(found[1], RawDocument) and found[1].text == TEXT


def test_a_folder_without_articles_is_reported(tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    [error] = list(load([tmp_path]))
    assert str(error).startswith(f"{tmp_path}: no article files")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_by_its_mode(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(TEXT, encoding="utf-8")
    path.chmod(0)
    try:
        assert "cannot be read (Permission denied)" in _error(path)
    finally:
        path.chmod(0o644)


def test_an_unreadable_file_simulated(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text(TEXT, encoding="utf-8")

    def refuse(path: Path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(load_module, "_open_regular", refuse)
    assert _error(path) == f"{path}: cannot be read (Permission denied)"


def test_a_20_megabyte_file_is_skipped_unread_and_fast(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(20 * 1_000_000)  # sparse: 20 MB without writing them
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    started = time.perf_counter()
    message = _error(path)
    assert time.perf_counter() - started < 1
    assert message == (
        f"{path}: 20.0 MB is over the 5 MB limit for a one-article file (raise it with --max-size)"
    )


def test_the_size_limit_is_configurable(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(TEXT * 100, encoding="utf-8")
    assert "over the 0.001 MB limit" in _error(path, max_bytes=1_000)
    assert _documents(path, max_bytes=1_000_000)


def test_row_files_stream_and_skip_only_their_bad_rows(tmp_path):
    path = tmp_path / "news.jsonl"
    lines = [
        json.dumps({"text": SENTENCE}, ensure_ascii=False),
        "{not json",
        "[1, 2]",
        json.dumps({"title": "本文なし"}, ensure_ascii=False),
        json.dumps({"text": "長" * 2_000}, ensure_ascii=False),
        json.dumps({"text": SECOND}, ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = list(read(path, LoadOptions(max_bytes=1_000)))
    texts = [d.text for d in found if isinstance(d, RawDocument)]
    errors = [str(e) for e in found if isinstance(e, LoadError)]
    assert texts == [SENTENCE, SECOND]
    assert errors == [
        f"{path}:2: not JSON (Expecting property name enclosed in double quotes, column 2)",
        f"{path}:3: not a JSON object",
        f"{path}:4: no text in 'text'",
        f"{path}:5: text over the 0.001 MB limit (--max-size)",
    ]


def test_a_row_file_undecodable_midway_keeps_the_rows_before(tmp_path, monkeypatch):
    monkeypatch.setattr(load_module, "_SAMPLE_BYTES", 64)
    path = tmp_path / "news.jsonl"
    good = (json.dumps({"text": SENTENCE}, ensure_ascii=False) + "\n").encode("utf-8")
    path.write_bytes(good * 3 + b'{"text": "\xff\xfe"}\n')
    found = list(read(path))
    assert [type(item) for item in found] == [RawDocument] * 3 + [LoadError]
    assert str(found[-1]) == f"{path}:4: not valid utf-8 text; the rest of the file is skipped"


def test_a_csv_without_the_text_column_names_the_columns(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text("title,body\n訪朝,本文\n", encoding="utf-8")
    assert _error(path) == (
        f"{path}: no 'text' column (columns: title, body; choose another with --text-field)"
    )


# --- A format whose reader cannot be imported: that file is skipped, nothing else. ---


def test_a_missing_reader_package_skips_only_its_files(tmp_path, monkeypatch):
    import sys

    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "page.html").write_text(f"<html><body><p>{SENTENCE}</p></body></html>")
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if it failed to import
    found = list(load([tmp_path]))
    [document] = [item for item in found if isinstance(item, RawDocument)]
    [error] = [str(item) for item in found if isinstance(item, LoadError)]
    assert document.source == "a.txt"
    assert error.startswith(f"{tmp_path / 'page.html'}: ") and "trafilatura" in error
    assert "\n" not in error


def test_an_import_error_naming_no_module_is_one_line(tmp_path, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><p>{SENTENCE}</p></body></html>")

    def broken(*args, **kwargs):
        raise ImportError(
            "lxml.html.clean module is now a separate project lxml_html_clean.\n"
            "Install lxml[html-clean] or lxml_html_clean directly."
        )

    monkeypatch.setattr(load_module, "_from_html", broken)
    error = _error(page)
    assert "lxml_html_clean" in error and "\n" not in error


# --- Special files are skipped unopened; names are printed safely. ---


@pytest.fixture
def released_fifos():
    """FIFOs made by a test; any reader left blocked on one is released afterwards."""
    made: list[Path] = []
    yield made
    for fifo in made:
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass  # no reader: nothing was opened


def _load_within(paths: list[Path], seconds: float = 20.0) -> list[RawDocument | LoadError]:
    """load() in a thread, failing the test (not hanging it) if it does not finish."""
    import threading

    found: list = []
    worker = threading.Thread(target=lambda: found.extend(load(paths)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "load() hangs"
    return found


@pytest.mark.parametrize("name", ["feed.jsonl", "table.csv", "notes.txt", "page.html"])
def test_a_fifo_is_skipped_unopened_with_its_reason(tmp_path, released_fifos, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    released_fifos.append(fifo)
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    found = _load_within([tmp_path])
    errors = [str(item) for item in found if isinstance(item, LoadError)]
    assert errors == [f"{fifo}: skipped: a FIFO (named pipe), not a regular file"]
    assert [item.source for item in found if isinstance(item, RawDocument)] == ["good.txt"]


def test_a_fifo_named_on_the_command_line_is_skipped(tmp_path, released_fifos):
    fifo = tmp_path / "stream"
    os.mkfifo(fifo)
    released_fifos.append(fifo)
    [error] = _load_within([fifo])
    assert str(error) == f"{fifo}: skipped: a FIFO (named pipe), not a regular file"


def test_sockets_and_devices_are_skipped_with_their_reason(tmp_path):
    import socket

    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(tmp_path / "sock.txt"))
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    try:
        found = _load_within([tmp_path, Path("/dev/null")])
    finally:
        listener.close()
    assert [str(item) for item in found] == [
        f"{tmp_path / 'sock.txt'}: skipped: a socket, not a regular file",
        f"{tmp_path / 'zero.txt'}: skipped: a character device, not a regular file",
        "/dev/null: skipped: a character device, not a regular file",
    ]


def test_symlink_loops_and_broken_links_are_named_as_such(tmp_path):
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    (tmp_path / "a.txt").symlink_to("b.txt")
    (tmp_path / "b.txt").symlink_to("a.txt")
    (tmp_path / "gone.txt").symlink_to("nowhere.txt")
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    found = _load_within([tmp_path, tmp_path / "loop.txt"])
    messages = [str(item) for item in found if isinstance(item, LoadError)]
    assert messages == [
        f"{tmp_path / 'a.txt'}: skipped: a symbolic link loop",
        f"{tmp_path / 'b.txt'}: skipped: a symbolic link loop",
        f"{tmp_path / 'gone.txt'}: skipped: a broken symbolic link",
        f"{tmp_path / 'loop.txt'}: skipped: a symbolic link loop",
        f"{tmp_path / 'loop.txt'}: skipped: a symbolic link loop",
    ]


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("a\nskipped: forged.txt", "a\\nskipped: forged.txt"),
        ("\x1b[2J\x1b[31mred.txt", "\\x1b[2J\\x1b[31mred.txt"),
        ("evil\u202etxt.txt", "evil\\u202etxt.txt"),
    ],
    ids=["newline", "escape-codes", "bidi-override"],
)
def test_file_names_in_messages_have_their_control_characters_escaped(tmp_path, name, escaped):
    (tmp_path / name).write_bytes(b"")
    [error] = list(load([tmp_path]))
    assert str(error) == f"{tmp_path}/{escaped}: empty file"
