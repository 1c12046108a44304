"""Files and folders → raw articles with a stable document id.

Formats, by suffix (a file named on the command line with another suffix is read as text):

* ``.txt``, ``.md``, ``.text``: one article; the cleaner finds its title and date;
* ``.html``, ``.htm``: one article; trafilatura extracts the main text and the page's
  title, date and URL (the cleaner still runs on the extracted text);
* ``.jsonl``: one article per line, a JSON object with ``text`` (or ``--text-field``),
  and optionally ``title``, ``date`` and ``url``;
* ``.csv``: one article per row, with a header row naming the same columns.

Folders are searched recursively (hidden files and folders are skipped).  Only regular
files are read: a FIFO, socket or device is skipped unopened, with its kind named, and so
are symbolic link loops and broken links.

Encodings: a BOM decides; otherwise ISO-2022-JP (7-bit with escape sequences), then strict
UTF-8, then whichever of Shift_JIS/CP932 and EUC-JP charset-normalizer finds coherent.

Limits: a one-article file (text or HTML) larger than ``max_bytes`` is skipped without
being read; row files (.jsonl, .csv) are read as a stream, row by row, whatever their
size, and a row whose text is larger than ``max_bytes`` is skipped.

Nothing here raises for a bad input: :func:`load` yields a :class:`LoadError` (naming the
file and the reason, on one line: control characters in names are escaped) in place of
the articles it could not read, and goes on.
"""

from __future__ import annotations

import codecs
import csv
import errno
import hashlib
import io
import json
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kg.messages import shown

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES

MEGABYTE = 1_000_000
DEFAULT_MAX_BYTES = 5 * MEGABYTE  # a news article is ~10 KB; a scraped page rarely 2 MB
# Legacy Japanese encodings tried after UTF-8, the most common first (a tie keeps the
# first); ISO-2022-JP is recognised earlier by its escape sequences.
JAPANESE_ENCODINGS = ("cp932", "euc_jp", "shift_jis_2004", "euc_jis_2004")
ENCODING_NAMES = "UTF-8, Shift_JIS, EUC-JP or ISO-2022-JP"
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE_BYTES = 1 << 16  # how much of a row file decides its encoding
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}  # ESC: ISO-2022-JP
_MAX_CONTROL_SHARE = 0.05
ROW_FIELDS = ("title", "date", "url")
# Characters of ordinary Japanese text: kana, common kanji, ASCII, CJK and full-width punctuation.
_COMMON_RE = re.compile("[\u3041-\u30ff\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e\x20-\x7e\t\n\r]+")
_HIRAGANA_RE = re.compile("[\u3041-\u309f]+")


class LoadError(Exception):
    """A path that cannot be read as articles; the message names it and says why.

    The message is kept to one printable line (:func:`kg.messages.shown`): a file name
    cannot forge a second line or send escape codes to a terminal.
    """

    def __init__(self, message: str) -> None:
        super().__init__(shown(message))


@dataclass(frozen=True)
class LoadOptions:
    """How inputs are read: the text column of row files and the one-article size limit."""

    text_field: str = "text"
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class RawDocument:
    """One article as read from its file, before cleaning.

    ``title``, ``date`` and ``url`` are what the file itself states (a row's columns, an
    HTML page's metadata); ``date`` is the string as written.  ``location`` names where it
    came from for messages: the path as given (control characters escaped), with ``:N``
    for row N of a row file.
    """

    doc_id: str
    source: str  # file name (with :N for a row), recorded on the document node
    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    location: str = ""
    record_id: str | None = None  # a row's own "id" field (JSONL, CSV)

    def __post_init__(self) -> None:
        if not self.location:
            object.__setattr__(self, "location", self.source)


def load(
    paths: list[Path], options: LoadOptions | None = None
) -> Iterator[RawDocument | LoadError]:
    """Each article under ``paths``, or the LoadError that says why something was skipped."""
    options = options or LoadOptions()
    for found in discover(paths):
        if isinstance(found, LoadError):
            yield found
        else:
            yield from read(found, options)


def discover(paths: list[Path]) -> Iterator[Path | LoadError]:
    """Every article file under ``paths`` (folders searched recursively, in sorted order).

    A path that does not exist, or a folder holding no article file, gives a LoadError.
    """
    for path in paths:
        try:
            is_folder = stat.S_ISDIR(path.stat().st_mode)
        except OSError as error:
            yield LoadError(f"{path}: {_missing(path, error)}")
            continue
        if is_folder:
            found = False
            for item in _walk(path):
                found = found or isinstance(item, Path)
                yield item
            if not found:
                suffixes = ", ".join(sorted(ARTICLE_SUFFIXES))
                yield LoadError(f"{path}: no article files ({suffixes}) in this folder")
        else:
            yield path


def _walk(folder: Path) -> Iterator[Path | LoadError]:
    """Article files under a folder, sorted; unreadable subfolders are reported."""
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        yield from _reported(errors)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root, name)
            if not name.startswith(".") and path.suffix.lower() in ARTICLE_SUFFIXES:
                yield path
    yield from _reported(errors)


def _reported(errors: list[OSError]) -> Iterator[LoadError]:
    """The folder-listing errors collected so far, as LoadErrors (the list is emptied)."""
    while errors:
        error = errors.pop(0)
        yield LoadError(f"{error.filename}: cannot be read ({error.strerror or error})")


def read(path: Path, options: LoadOptions | None = None) -> Iterator[RawDocument | LoadError]:
    """The articles of one file (several for .jsonl and .csv), or why it was skipped.

    Anything but a regular file (a FIFO, socket or device) is skipped without being opened.
    """
    options = options or LoadOptions()
    suffix = path.suffix.lower()
    if irregular := not_a_regular_file(path):
        yield LoadError(f"{path}: {irregular}")
        return
    try:
        if suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path, options)
        elif suffix in CSV_SUFFIXES:
            yield from _read_csv(path, options)
        else:
            yield _read_article(path, options)
    except LoadError as error:
        yield error
    except OSError as error:
        yield LoadError(f"{path}: cannot be read ({error.strerror or error})")
    except ImportError as error:  # a reader's package missing or broken: skip its files only
        yield LoadError(f"{path}: cannot read {suffix or 'these'} files: {missing_package(error)}")


_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


def not_a_regular_file(path: Path) -> str | None:
    """Why ``path`` is skipped (its kind, a link loop …), or None for a regular file.

    Looks with ``stat`` only: a FIFO or device is never opened (opening a FIFO blocks
    until someone writes to it).

    >>> not_a_regular_file(Path("/dev/null"))
    'skipped: a character device, not a regular file'
    """
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return _missing(path, error)
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "a special file")
    return f"skipped: {kind}, not a regular file"


def _missing(path: Path, error: OSError) -> str:
    """Why ``stat`` failed, in words: a link loop, a broken link, no such file …"""
    if error.errno == errno.ELOOP:
        return "skipped: a symbolic link loop"
    if error.errno == errno.ENOENT:
        return "skipped: a broken symbolic link" if path.is_symlink() else "no such file or folder"
    return f"cannot be read ({error.strerror or error})"


def _open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, provided it is (still) a regular file.

    Opened non-blocking and checked with ``fstat``, so a file swapped for a FIFO after
    :func:`not_a_regular_file` looked at it cannot make the read hang.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise LoadError(f"{path}: skipped: not a regular file")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def missing_package(error: ImportError) -> str:
    """An ImportError as one line that names what is missing.

    >>> missing_package(ModuleNotFoundError("No module named 'trafilatura'", name="trafilatura"))
    "a package is missing (No module named 'trafilatura')"
    >>> missing_package(ImportError("lxml.html.clean is now lxml_html_clean.\\nInstall it."))
    'a package is missing (lxml.html.clean is now lxml_html_clean. Install it.)'
    """
    reason = " ".join(str(error).split()) or f"cannot import {error.name}"
    return f"a package is missing ({reason})"


# --- Decoding. ---


def detect_encoding(data: bytes) -> str:
    """The codec of a file's bytes (or of a sample of them cut at a line end).

    Raises ValueError with the reason when the bytes look binary or decode in none of
    the encodings kg reads.

    >>> [detect_encoding("北朝鮮を訪問した。".encode(e)) for e in ("utf-8", "cp932", "euc_jp")]
    ['utf-8', 'cp932', 'euc_jp']
    >>> detect_encoding("北朝鮮".encode("iso2022_jp")), detect_encoding(b"\\xef\\xbb\\xbfabc")
    ('iso2022_jp', 'utf-8-sig')
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    if _looks_binary(data):
        raise ValueError("looks binary, not text")
    if b"\x1b" in data and max(data, default=0) < 0x80:
        for codec in ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext"):
            if _decodes(data, codec):
                return codec
    if _decodes(data, "utf-8"):
        return "utf-8"
    return _japanese_encoding(data)


def decode(data: bytes) -> str:
    """A whole file's bytes as text (see :func:`detect_encoding`); raises ValueError."""
    codec = detect_encoding(data)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise ValueError(f"not valid {codec} (byte {error.start})") from error


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(byte in _CONTROL_BYTES for byte in sample)
    return bool(sample) and controls / len(sample) > _MAX_CONTROL_SHARE


def _decodes(data: bytes, codec: str) -> bool:
    try:
        codecs.getincrementaldecoder(codec)().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _japanese_encoding(data: bytes) -> str:
    """The legacy Japanese encoding the bytes read best in.

    charset-normalizer proposes one, but on short texts it takes EUC-JP for Shift_JIS_2004
    (on the seeds' paragraphs it was wrong for 37 of 660); a mis-decoded text is full of
    half-width katakana and rare symbols and short of hiragana, so the candidate whose text
    reads most like Japanese wins, and charset-normalizer's proposal only breaks ties.
    """
    from charset_normalizer import from_bytes

    decoded: dict[str, str] = {}
    for codec in JAPANESE_ENCODINGS:
        try:
            text = codecs.getincrementaldecoder(codec)().decode(data, final=False)
        except UnicodeDecodeError:
            continue
        if text not in decoded.values():  # a variant reading the same keeps the common name
            decoded[codec] = text
    if not decoded:
        raise ValueError(f"not text in {ENCODING_NAMES}")
    proposal = from_bytes(data[:_SAMPLE_BYTES], cp_isolation=list(decoded)).best()
    proposed = proposal.encoding if proposal is not None else None
    return max(
        decoded,
        key=lambda codec: (japanese_score(decoded[codec]), codec == proposed),
    )


def japanese_score(text: str) -> float:
    """How much a text reads like Japanese: hiragana and common characters up, others down.

    >>> text = "北朝鮮を訪問した。"
    >>> japanese_score(text) > japanese_score(text.encode("euc_jp").decode("shift_jis_2004"))
    True
    """
    sample = text[: _SAMPLE_BYTES // 2]
    if not sample:
        return 0.0
    common = sum(map(len, _COMMON_RE.findall(sample)))
    hiragana = sum(map(len, _HIRAGANA_RE.findall(sample)))
    return (common - 3 * (len(sample) - common) + hiragana) / len(sample)


# --- One-article files: text and HTML. ---


def _read_article(path: Path, options: LoadOptions) -> RawDocument:
    data = _read_bytes(path, options.max_bytes)
    try:
        text = decode(data)
    except ValueError as error:
        raise LoadError(f"{path}: {error}") from None
    if not text.strip():
        raise LoadError(f"{path}: no text (only white space)")
    doc_id = hashlib.sha256(data).hexdigest()[:16]
    if path.suffix.lower() in HTML_SUFFIXES:
        return _from_html(path, text, doc_id)
    return RawDocument(doc_id=doc_id, source=path.name, text=text, location=shown(path))


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """A file's bytes, unless it is empty or over the size limit (then it is not read)."""
    with _open_regular(path) as stream:
        size = os.fstat(stream.fileno()).st_size
        if size == 0:
            raise LoadError(f"{path}: empty file")
        if size > max_bytes:
            raise LoadError(
                f"{path}: {size / MEGABYTE:.1f} MB is over the {max_bytes / MEGABYTE:g} MB "
                "limit for a one-article file (raise it with --max-size)"
            )
        return stream.read()


def _from_html(path: Path, html: str, doc_id: str) -> RawDocument:
    """The main text and metadata of an HTML page, as trafilatura extracts them."""
    import trafilatura

    try:
        page = trafilatura.bare_extraction(html, with_metadata=True)
    except ImportError:
        raise  # a missing package, not a bad page: read() says which
    except Exception as error:  # a parser failure on hostile HTML must not stop the build
        raise LoadError(f"{path}: HTML could not be parsed ({error})") from None
    text = getattr(page, "text", None) if page is not None else None
    if not text or not text.strip():
        raise LoadError(f"{path}: no article text found in the HTML")
    return RawDocument(
        doc_id=doc_id,
        source=path.name,
        text=text,
        title=_clean_field(getattr(page, "title", None)),
        date=_clean_field(getattr(page, "date", None)),
        url=_clean_field(getattr(page, "url", None)),
        location=shown(path),
    )


# --- Row files: JSON Lines and CSV, streamed. ---


def _lines(path: Path) -> Iterator[str]:
    """A row file's lines, decoded one by one in the encoding a sample of its start shows.

    A line that does not decode ends the file with a LoadError naming it; the lines
    before it have been read.
    """
    with _open_regular(path) as stream:
        sample = stream.read(_SAMPLE_BYTES)
        if not sample:
            raise LoadError(f"{path}: empty file")
        if len(sample) == _SAMPLE_BYTES and b"\n" in sample:
            sample = sample[: sample.rindex(b"\n") + 1]  # never cut a character in two
        try:
            codec = detect_encoding(sample)
        except ValueError as error:
            raise LoadError(f"{path}: {error}") from None
        stream.seek(0)
        if codec.startswith("utf-16") or codec.startswith("utf-32"):  # b"\n" is no line end
            yield from io.TextIOWrapper(stream, encoding=codec, newline="")
            return
        decoder = codecs.getincrementaldecoder(codec)()
        for number, line in enumerate(stream, start=1):
            try:
                yield decoder.decode(line)
            except UnicodeDecodeError:
                raise LoadError(
                    f"{path}:{number}: not valid {codec} text; the rest of the file is skipped"
                ) from None


def _read_jsonl(path: Path, options: LoadOptions) -> Iterator[RawDocument | LoadError]:
    rows = 0
    for number, line in enumerate(_lines(path), start=1):
        if line.strip():
            rows += 1
            yield _jsonl_row(path, number, line, options)
    if rows == 0:
        raise LoadError(f"{path}: no rows")


def _jsonl_row(path: Path, number: int, line: str, options: LoadOptions) -> RawDocument | LoadError:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        return LoadError(f"{path}:{number}: not JSON ({error.msg}, column {error.colno})")
    if not isinstance(row, dict):
        return LoadError(f"{path}:{number}: not a JSON object")
    return _row(path, number, row, options)


def _read_csv(path: Path, options: LoadOptions) -> Iterator[RawDocument | LoadError]:
    csv.field_size_limit(max(csv.field_size_limit(), options.max_bytes + 1))
    reader = csv.DictReader(_lines(path))
    try:
        columns = [name.strip().lower() for name in reader.fieldnames or ()]
        if options.text_field.lower() not in columns:
            found = ", ".join(columns) or "none"
            raise LoadError(
                f"{path}: no '{options.text_field}' column (columns: {found}; "
                "choose another with --text-field)"
            )
        while True:
            first_line = reader.line_num + 1  # a quoted field may span lines
            record = next(reader, None)
            if record is None:
                break
            row = {(key or "").strip().lower(): value for key, value in record.items()}
            yield _row(path, first_line, row, options)
    except csv.Error as error:
        raise LoadError(f"{path}:{reader.line_num}: not valid CSV ({error})") from None


def _row(
    path: Path, number: int, row: Mapping[str, object], options: LoadOptions
) -> RawDocument | LoadError:
    """One row as a RawDocument; its id is a digest of its text, title, date and url."""
    location = shown(f"{path}:{number}")
    text = row.get(options.text_field.lower(), row.get(options.text_field))
    if not isinstance(text, str) or not text.strip():
        return LoadError(f"{location}: no text in '{options.text_field}'")
    if len(text.encode("utf-8")) > options.max_bytes:
        return LoadError(
            f"{location}: text over the {options.max_bytes / MEGABYTE:g} MB limit (--max-size)"
        )
    title, date, url = (_clean_field(row.get(name)) for name in ROW_FIELDS)
    record_id = _clean_field(row.get("id"))
    identity = json.dumps([text, title, date, url], ensure_ascii=False)
    if record_id is not None:  # rows with the same text but their own ids stay apart
        identity = json.dumps([text, title, date, url, record_id], ensure_ascii=False)
    return RawDocument(
        doc_id=hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16],
        source=f"{path.name}:{number}",
        text=text,
        title=title,
        date=date,
        url=url,
        location=location,
        record_id=record_id,
    )


def _clean_field(value: object) -> str | None:
    """A metadata value as a stripped string; None when missing or empty."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None
