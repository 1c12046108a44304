"""python -m kg.bench audit: the sample drawn from a build, and the precision of judgments."""

from __future__ import annotations

import json
from pathlib import Path

from kg.bench import audit

GOLD = Path(__file__).parent / "gold" / "audit_wikinews.jsonl"
ALL = Path(__file__).parent / "gold" / "audit_wikinews_all.jsonl"


def test_sample_is_of_facts_and_judged_precision_is_counted(seeds_build, tmp_path, capsys):
    _, out = seeds_build
    template = tmp_path / "audit.jsonl"
    assert (
        audit.main(["-g", str(out), "--sample", "6", "--seed", "3", "--write", str(template)]) == 0
    )
    rows = [json.loads(line) for line in template.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 6
    assert {r["modality"] for r in rows} <= {"asserted", "reported"}
    assert all(r["evidence"] and r["judgment"] == "" for r in rows)
    # unjudged: the score says so and fails
    assert audit.main(["-g", str(out), "--sample", "6", "--seed", "3", "--judged", str(template)])
    # two wrong, four correct: precision 4/6
    for n, row in enumerate(rows):
        row["judgment"] = "wrong" if n < 2 else "correct"
    template.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    capsys.readouterr()
    code = audit.main(["-g", str(out), "--sample", "6", "--seed", "3", "--judged", str(template)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "overall      4 correct of   6  precision 0.667" in printed


def test_a_broken_judgments_file_is_one_line(seeds_build, tmp_path, capsys):
    _, out = seeds_build
    broken = tmp_path / "judged.jsonl"
    broken.write_text('{"event": "x", "judgment": "correct"}\n{oops\n', encoding="utf-8")
    assert audit.main(["-g", str(out), "--sample", "2", "--judged", str(broken)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and ":2: not JSON" in err and "\n" not in err


def _judged_rows(path: Path) -> list[dict]:
    """Hand-judged (tests/gold/README.md): every mention has a verdict, every wrong or
    optional one a reason, and each is a fact mention with its evidence."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 100 and len({r["event"] for r in rows}) == len(rows)
    for row in rows:
        assert row["judgment"] in audit.VERDICTS, row
        assert row["judgment"] == "correct" or row["note"], row
        assert row["modality"] in ("asserted", "reported") and row["evidence"], row
    return rows


def test_the_committed_wikinews_audit_is_judged_throughout():
    """The sample of the last build: precision with optional mentions counted neither way
    (as the audit prints it) holds issue 17's floor for precision in the wild."""
    rows = _judged_rows(GOLD)
    assert len(rows) == 100
    correct = sum(r["judgment"] == "correct" for r in rows)
    wrong = sum(r["judgment"] == "wrong" for r in rows)
    assert correct / (correct + wrong) >= 0.85


def test_every_judgment_made_is_kept():
    """Every mention judged in any build (the file a new build's sample takes its known
    verdicts from) is well formed, and the last build's verdicts are among them."""
    every = {r["event"]: r["judgment"] for r in _judged_rows(ALL)}
    last = {r["event"]: r["judgment"] for r in _judged_rows(GOLD)}
    assert all(every.get(event) == verdict for event, verdict in last.items())
