"""python -m kg.bench audit: the sample drawn from a build, and the precision of judgments."""

from __future__ import annotations

import json
from pathlib import Path

from kg.bench import audit

GOLD = Path(__file__).parent / "gold" / "audit_wikinews.jsonl"


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


def test_the_committed_wikinews_audit_is_judged_throughout():
    """Hand-judged (tests/gold/README.md): every mention has a verdict, every wrong one a
    reason, and each is a fact mention with its evidence."""
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 100 and len({r["event"] for r in rows}) == len(rows)
    for row in rows:
        assert row["judgment"] in audit.VERDICTS, row
        assert row["judgment"] == "correct" or row["note"], row
        assert row["modality"] in ("asserted", "reported") and row["evidence"], row
    correct = sum(r["judgment"] == "correct" for r in rows)
    assert correct / len(rows) >= 0.80  # issue 12's floor for precision in the wild
