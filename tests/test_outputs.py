"""kg.outputs: graph.ttl, graph.html and report.md replaced as a set, whatever stops a build.

The SIGKILL tests run `kg build` in a subprocess that kills itself at one point of the
write phase (bounded in time), then look at what a reader would see.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg import outputs
from kg.cli import app
from kg.outputs import OUTPUTS, SETS_DIR, staged_outputs

BUILD_SECONDS = 180  # a killed build's subprocess, GiNZA loaded from cold at worst

FIRST = {"a.txt": "2024年6月19日\n\nロシアのプーチン大統領は19日、北朝鮮を訪問した。\n"}
SECOND = {"b.txt": "2024年6月21日\n\n岸田首相は21日、ワシントンを訪問した。\n"}

# Run as `python -c KILLED POINT kg-arguments…`: kg build, killed at POINT by SIGKILL.
KILLED = """
import os, signal, sys
point, *arguments = sys.argv[1:]

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

import kg.outputs, kg.render, kg.report
if point == "after-graph.ttl":
    kg.render.render_html = die
elif point == "after-graph.html":
    kg.report.write_report = die
elif point == "before-swap":
    kg.outputs._swap_current = die
elif point == "after-swap":
    swap = kg.outputs._swap_current
    kg.outputs._swap_current = lambda *args: (swap(*args), die())
from kg.cli import main
sys.argv = ["kg", *arguments]
main()
"""


def _digests(out: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((out / name).read_bytes()).hexdigest()
        for name in OUTPUTS
        if (out / name).exists()
    }


def _write(folder: Path, articles: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _leftovers(root: Path) -> list[str]:
    """Files and folders an interrupted build may leave, anywhere under ``root``."""
    found = [p for p in root.rglob("*") if p.suffix == ".tmp" or p.name.endswith(".link-tmp")]
    sets = root / "out" / SETS_DIR
    if sets.is_dir():
        found += [p for p in sets.iterdir() if p.name.startswith(outputs.STAGING_PREFIX)]
        found += [p for p in sets.iterdir() if p.name.startswith(outputs.SET_PREFIX)][1:]
    return sorted(str(p.relative_to(root)) for p in found)


@pytest.mark.parametrize(
    "point", ["after-graph.ttl", "after-graph.html", "before-swap", "after-swap"]
)
def test_a_build_killed_in_its_write_phase_leaves_one_whole_set(runner, nlp, tmp_path, point):
    corpus = _write(tmp_path / "in", FIRST)
    out, cache = tmp_path / "out", tmp_path / "cache"
    common = ["-o", str(out), "--cache", str(cache)]
    assert runner.invoke(app, ["build", str(corpus), *common]).exit_code == 0
    first = _digests(out)
    _write(corpus, SECOND)
    assert runner.invoke(app, ["build", str(corpus), "-o", str(tmp_path / "ref"), "--cache",
                               str(cache)]).exit_code == 0  # fmt: skip
    second = _digests(tmp_path / "ref")

    killed = subprocess.run(
        [sys.executable, "-c", KILLED, point, "build", str(corpus), *common],
        capture_output=True,
        text=True,
        timeout=BUILD_SECONDS,
    )
    assert killed.returncode == -9, killed.stderr[-2000:]
    seen = _digests(out)
    if point == "after-swap":
        assert {n: seen[n] for n in OUTPUTS if n != "graph.html"} == {
            n: second[n] for n in OUTPUTS if n != "graph.html"
        }  # the page records when it was built: compare its presence only
        assert set(seen) == set(OUTPUTS) and seen["graph.html"] != first["graph.html"]
    else:
        assert seen == first, "the previous outputs, all three, untouched"

    again = runner.invoke(app, ["build", str(corpus), *common])
    assert again.exit_code == 0, again.output
    assert _leftovers(tmp_path) == []
    assert {n: d for n, d in _digests(out).items() if n != "graph.html"} == {
        n: d for n, d in second.items() if n != "graph.html"
    }


def test_a_failed_write_phase_leaves_the_previous_set_and_no_staging(tmp_path):
    out = tmp_path / "out"
    with staged_outputs(out) as staging:
        for name in OUTPUTS:
            (staging / name).write_text("old")
    with pytest.raises(RuntimeError), staged_outputs(out) as staging:
        (staging / "graph.ttl").write_text("new")
        raise RuntimeError("render failed")
    assert [(out / name).read_text() for name in OUTPUTS] == ["old"] * 3
    assert [p.name for p in (out / SETS_DIR).iterdir() if p.name.startswith("staging")] == []


def test_outputs_of_an_earlier_kg_are_adopted_then_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in OUTPUTS:
        (out / name).write_text("plain")
    (out / ".graph.ttl.abc123.tmp").write_text("half")  # left by an earlier kg
    with staged_outputs(out) as staging:
        for name in OUTPUTS:
            (staging / name).write_text("linked")
    assert [(out / name).read_text() for name in OUTPUTS] == ["linked"] * 3
    assert all((out / name).is_symlink() for name in OUTPUTS)
    assert not (out / ".graph.ttl.abc123.tmp").exists()
    names = sorted(p.name for p in (out / SETS_DIR).iterdir())
    assert len(names) == 3 and names[:1] == [".lock"] and names[2] == "current"
    assert names[1].startswith(outputs.SET_PREFIX) and not names[1].endswith("earlier")


def test_before_the_first_swap_no_output_is_visible(tmp_path, monkeypatch):
    out = tmp_path / "out"
    seen: list[bool] = []
    real = outputs._swap_current

    def swap(sets, name):
        seen.extend((out / output).exists() for output in OUTPUTS)
        real(sets, name)
        seen.extend((out / output).exists() for output in OUTPUTS)

    monkeypatch.setattr(outputs, "_swap_current", swap)
    with staged_outputs(out) as staging:
        for name in OUTPUTS:
            (staging / name).write_text("x")
    assert seen == [False] * 3 + [True] * 3


def test_files_are_shared_like_the_outputs_of_before(tmp_path):
    out = tmp_path / "out"
    with staged_outputs(out) as staging:
        (staging / "graph.ttl").write_text("x")
        os.chmod(staging / "graph.ttl", 0o644)
    current = (out / SETS_DIR / "current").resolve()
    assert current.stat().st_mode & 0o755 == 0o755


def test_without_symbolic_links_the_files_are_renamed_into_place(tmp_path, monkeypatch):
    monkeypatch.setattr(outputs, "_has_symlinks", lambda folder: False)
    out = tmp_path / "out"
    for version in ("1", "2"):
        with staged_outputs(out) as staging:
            for name in OUTPUTS:
                (staging / name).write_text(version)
    assert [(out / name).read_text() for name in OUTPUTS] == ["2"] * 3
    assert not any((out / name).is_symlink() for name in OUTPUTS)
    assert [p.name for p in (out / SETS_DIR).iterdir()] == [".lock"]
