"""The one place that loads GiNZA and parses text.

Texts are parsed paragraph by paragraph: Japanese news sentences never cross a line
break, Sudachi refuses inputs over ~49 KB, and short units batch well in
``nlp.pipe``.  Each unit carries the character offset of its first character in the
article, so every token maps back to the cleaned text.

Parses are kept as spaCy ``DocBin`` bytes (:func:`docs_to_bytes`), which hold everything
extraction reads: tokens, tags, POS, lemmas, morphology, heads and dependency labels,
sentence starts, entities and GiNZA's bunsetu data (``Doc.user_data``).
:func:`worker_pool` starts processes that each load GiNZA once.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import inspect
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from spacy.language import Language
from spacy.tokens import Doc, DocBin

MODEL = "ja_ginza"
# What kg reads: tokens, tags and lemmas (tokenizer + morphologizer), the dependency
# parse with its bunsetu labels, and GiNZA's named entities.  The rest is switched off.
# bunsetu_recognizer must stay although kg reads none of its Doc.user_data: it is what
# strips the parser's "_bunsetu" suffix from dependency labels (nsubj_bunsetu → nsubj).
UNUSED_PIPES = ("compound_splitter",)
BATCH_SIZE = 64  # units a batch in nlp.pipe
MAX_UNIT_CHARS = 4000  # Sudachi's hard limit is bytes (49149); stay far below it
_SENTENCE_END = re.compile(r"(?<=[。！？!?])")


class ModelMissingError(RuntimeError):
    """The GiNZA model package is not installed."""


@dataclass(frozen=True)
class Unit:
    """A slice of an article handed to the parser."""

    doc_id: str
    offset: int
    text: str


_SENTENCE_FINAL = frozenset("。！？!?")
_JAPANESE_END = re.compile(r"[\u3041-\u30ff\u3400-\u9fff]$")
_JAPANESE_START = re.compile(r"[\u3041-\u30ff\u3400-\u9fff「『]")
_QUOTE_OPEN, _QUOTE_CLOSE = frozenset("「『"), frozenset("」』")


@Language.component("kg_sentence_bounds")
def sentence_bounds(doc: Doc) -> Doc:
    """Sentences end at 。！？ outside quotation brackets, and at a space between Japanese
    words there (a headline's clauses: 安保協定に署名　米国は懸念), and nowhere else.

    GiNZA's parser otherwise splits after a closing parenthesis (金正恩(キム・ジョンウン)
    総書記と…) or inside a quotation (「…だ。」と述べた); it respects boundaries set
    before it runs.  Spaces between Latin words (NON STYLE) do not end a sentence.
    """
    depth = 0
    start_next = True
    for i, token in enumerate(doc):
        token.is_sent_start = start_next
        depth += sum(c in _QUOTE_OPEN for c in token.text)
        depth = max(0, depth - sum(c in _QUOTE_CLOSE for c in token.text))
        start_next = depth == 0 and (token.text[-1] in _SENTENCE_FINAL or _clause_space(doc, i))
    return doc


def _clause_space(doc: Doc, i: int) -> bool:
    """A space after token ``i`` (a space token, or trailing whitespace) with Japanese
    on both sides of it."""
    token = doc[i]
    if token.text.isspace():
        before, after = (doc[i - 1] if i else None), (doc[i + 1] if i + 1 < len(doc) else None)
    elif token.whitespace_:
        before, after = token, doc[i + 1] if i + 1 < len(doc) else None
    else:
        return False
    return (
        before is not None
        and after is not None
        and bool(_JAPANESE_END.search(before.text))
        and bool(_JAPANESE_START.match(after.text))
    )


@cache
def load_nlp(model: str = MODEL) -> Language:
    """Load GiNZA once per process, with the unused pipes disabled."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=list(UNUSED_PIPES))
    except OSError as err:  # spaCy raises OSError [E050] for a missing package
        raise ModelMissingError(
            f"the GiNZA model '{model}' is not installed (pip install ja-ginza)"
        ) from err
    nlp.add_pipe("kg_sentence_bounds", before="parser")
    return nlp


# Packages whose version changes what a parse gives (the model, its dictionary, spaCy).
PARSE_PACKAGES = ("spacy", "ginza", "sudachipy", "sudachidict_core")


@cache
def model_version(model: str = MODEL) -> str:
    """The model, the packages that shape its parses and kg's parse settings, as one string.

    For cache keys and provenance.  It reads package metadata and the source of the code
    here that shapes a parse (:data:`PARSE_CODE`: the sentence bounds and the unit
    splitting), never the model; so a change elsewhere in this file (worker management)
    keeps every cached parse.
    """
    try:
        parts = [f"{model}-{metadata.version(model)}"]
    except metadata.PackageNotFoundError as err:
        raise ModelMissingError(
            f"the GiNZA model '{model}' is not installed (pip install ja-ginza)"
        ) from err
    for package in PARSE_PACKAGES:
        try:
            parts.append(f"{package}-{metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package}-none")
    code = "\n".join(inspect.getsource(part) for part in PARSE_CODE)
    settings = (
        MAX_UNIT_CHARS,
        UNUSED_PIPES,
        *map(sorted, (_SENTENCE_FINAL, _QUOTE_OPEN, _QUOTE_CLOSE)),
    )
    code += repr(settings)  # sets sorted: their order changes from process to process
    parts.append("kg.nlp-" + hashlib.sha256(code.encode()).hexdigest()[:12])
    return " ".join(parts)


def units(doc_id: str, text: str) -> Iterator[Unit]:
    """Split a cleaned text into parse units: its lines, long lines cut at sentence ends.

    >>> [(u.offset, u.text) for u in units("d", "一文目。\\n二文目。三文目。")]
    [(0, '一文目。'), (5, '二文目。三文目。')]
    """
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            yield from _cut(doc_id, offset, line)
        offset += len(line) + 1


def _cut(doc_id: str, offset: int, line: str) -> Iterator[Unit]:
    if len(line) <= MAX_UNIT_CHARS:
        yield Unit(doc_id, offset, line)
        return
    start = 0
    while start < len(line):
        end = min(start + MAX_UNIT_CHARS, len(line))
        if end < len(line):
            cut = max((m.start() for m in _SENTENCE_END.finditer(line, start, end)), default=0)
            end = cut if cut > start else end
        yield Unit(doc_id, offset + start, line[start:end])
        start = end


def parse(items: Iterable[Unit], *, batch_size: int = BATCH_SIZE) -> Iterator[tuple[Doc, Unit]]:
    """Parse units in order with ``nlp.pipe``; each text is parsed exactly once.

    When the units are a sequence, their number is cut into equal batches of at most
    ``batch_size`` (see :func:`even_batch_size`).
    """
    nlp = load_nlp()
    if isinstance(items, Sequence):
        batch_size = even_batch_size(len(items), batch_size)
    pairs = ((unit.text, unit) for unit in items)
    yield from nlp.pipe(pairs, as_tuples=True, batch_size=batch_size)


def even_batch_size(count: int, most: int = BATCH_SIZE) -> int:
    """The batch size that cuts ``count`` units into equal batches of at most ``most``.

    A short last batch is dear: 100 articles parsed in chunks of about 70 units took 82 s
    as batches of 64 + 6 and 72 s as batches of 35 + 35, the same as one stream.

    >>> even_batch_size(70), even_batch_size(64), even_batch_size(129), even_batch_size(0)
    (35, 64, 43, 1)
    """
    if count <= 0:
        return 1
    return -(-count // -(-count // most))


def docs_to_bytes(docs: Iterable[Doc]) -> bytes:
    """Parsed docs as one DocBin, with everything extraction reads (user data included)."""
    return DocBin(store_user_data=True, docs=docs).to_bytes()


def docs_from_bytes(data: bytes) -> list[Doc]:
    """The docs of :func:`docs_to_bytes`, on GiNZA's vocabulary; raises on corrupt bytes."""
    return list(DocBin(store_user_data=True).from_bytes(data).get_docs(load_nlp().vocab))


@contextmanager
def worker_pool(
    processes: int, initializer: Callable[[], None] | None = None
) -> Iterator[ProcessPoolExecutor]:
    """``processes`` worker processes, each of which loads GiNZA once before its first task.

    Workers are spawned, not forked: the parent may run threads (a progress bar), and a
    fork copies their locks in whatever state they are.  ``initializer`` runs after GiNZA
    is loaded (a module-level function, so that it can be sent to the workers).

    Workers die with the parent, however it ends (:func:`_die_with_parent`; SIGKILL
    included), and ignore Ctrl-C: when the block ends with an exception (Ctrl-C's
    KeyboardInterrupt included) the parent stops them at once instead of waiting for
    their tasks.  The pool must be used from the thread that made it (on Linux a worker
    is signalled when the thread that started it ends).
    """
    pool = ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(initializer, os.getpid()),
    )
    try:
        _start_all(pool, processes)
        yield pool
    except BaseException:
        stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_all(pool: ProcessPoolExecutor, processes: int) -> None:
    """Start every worker now, with SIGINT ignored, which a new process inherits: a Ctrl-C
    that comes while a worker is still starting up (before its initializer) is then
    the parent's alone.  (Each task submitted while no worker is idle starts one.)"""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: workers start as tasks come
        return
    try:
        for _ in range(processes):
            pool.submit(os.getpid)
    finally:
        signal.signal(signal.SIGINT, previous)


def stop_workers(pool: ProcessPoolExecutor, grace: float = 5.0) -> None:
    """Terminate a pool's worker processes now, and kill any still there after ``grace`` s."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()


def _start_worker(initializer: Callable[[], None] | None, parent: int) -> None:
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to act on
    load_nlp()
    if initializer is not None:
        initializer()


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_CHECK_SECONDS = 1.0


def _die_with_parent(parent: int) -> None:
    """End this worker when process ``parent`` ends, even by SIGKILL.

    On Linux the kernel sends SIGKILL when the parent dies (``prctl(PR_SET_PDEATHSIG)``);
    everywhere a thread checks once a second that the parent is still the parent, which
    also covers a parent that died before the ``prctl`` call.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="kg-parent-watch", daemon=True).start()


# The code whose change changes what a parse holds (the parse cache's key digests it).
PARSE_CODE = (sentence_bounds, _clause_space, load_nlp, units, _cut)
