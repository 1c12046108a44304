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


# --- Worker processes die with the build; SIGTERM and Ctrl-C stop them cleanly. ---

# Run as `python -c PARALLEL_BUILD kg-arguments…`: `kg build` whose small input still
# gets worker processes.
PARALLEL_BUILD = """
import sys
import kg.pipeline
kg.pipeline.MIN_CHARS_PER_WORKER = 0
from kg.cli import main
sys.argv = ["kg", *sys.argv[1:]]
main()
"""
PROC = __import__("pathlib").Path("/proc")
linux_only = pytest.mark.skipif(not PROC.is_dir(), reason="reads /proc")


def _workers(parent: int) -> list[int]:
    """The pool's worker processes of ``parent`` (multiprocessing's spawn_main)."""
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has stopped running


def _started_parallel_build(tmp_path, *arguments, **popen):
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [sys.executable, "-c", PARALLEL_BUILD, "build", str(SEEDS), "-j", "2", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **popen,
    )
    deadline = time.monotonic() + 120
    while len(workers := _workers(process.pid)) < 2:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"no worker processes: {process.communicate()[1][-2000:]!r}")
        time.sleep(0.2)
    time.sleep(1.0)  # into loading GiNZA and parsing
    return process, workers


def _gone_within(pids: list[int], seconds: float) -> list[int]:
    import time

    deadline = time.monotonic() + seconds
    while (alive := [pid for pid in pids if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive


@linux_only
def test_workers_die_when_the_build_is_killed(tmp_path):
    import signal

    process, workers = _started_parallel_build(tmp_path, "-o", str(tmp_path / "out"), "--no-cache")
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    assert _gone_within(workers, 20) == [], "orphaned workers"


@linux_only
@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_sigterm_or_ctrl_c_stops_the_workers_and_keeps_the_outputs(runner, tmp_path, how):
    import hashlib
    import os
    import signal

    from kg.cli import app

    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text("岸田首相は21日、ワシントンを訪問した。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(corpus), "-o", str(out), "--no-cache"]).exit_code == 0
    names = ("graph.ttl", "graph.html", "report.md")
    before = [hashlib.sha256((out / name).read_bytes()).digest() for name in names]

    process, workers = _started_parallel_build(
        tmp_path, "-o", str(out), "--no-cache", start_new_session=True
    )
    if how == "SIGTERM":
        process.send_signal(signal.SIGTERM)
    else:  # a terminal's Ctrl-C: SIGINT to the whole foreground process group
        os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == (143 if how == "SIGTERM" else 130), stderr[-2000:]
    message = stderr.decode().strip().splitlines()
    assert message[-1].startswith("error: interrupted"), message
    assert b"Traceback" not in stderr
    assert _gone_within(workers, 20) == []
    assert [hashlib.sha256((out / name).read_bytes()).digest() for name in names] == before
    assert not [p for p in (out / ".kg-builds").iterdir() if p.name.startswith("staging")]


def test_model_version_is_the_same_in_every_process():
    """The parse cache's key must not depend on the process (set order changes with
    PYTHONHASHSEED): else no build ever finds the parses of the one before."""
    import os
    import subprocess
    import sys

    code = (
        "from kg.nlp import model_version; from kg.pipeline import extraction_version; "
        "print(model_version(), extraction_version())"
    )
    versions = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(versions) == 1, versions
