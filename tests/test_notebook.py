"""notebooks/walkthrough.ipynb runs end to end in a fresh kernel, from a foreign folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "walkthrough.ipynb"


def cell_text(cell) -> str:
    """Everything a code cell printed or displayed, as text (HTML outputs included)."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        data = output.get("data", {})
        parts += [data.get("text/plain", ""), data.get("text/markdown", "")]
        parts.append(data.get("text/html", ""))
    return "".join(part if isinstance(part, str) else "".join(part) for part in parts)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook after nbclient ran it, with KG_REPO and KG_OUT set, in an empty folder."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    out = tmp_path_factory.mktemp("walkthrough") / "out"
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as patch:  # the kernel inherits the environment
        patch.setenv("KG_REPO", str(ROOT))
        patch.setenv("KG_OUT", str(out))
        client = nbclient.NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(elsewhere)}},  # not the repository
        )
        client.execute()
    return notebook, out


def code_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_every_cell_ran_without_error(executed):
    notebook, _ = executed
    cells = code_cells(notebook)
    assert all(cell.execution_count for cell in cells)
    errors = [o for cell in cells for o in cell.outputs if o.output_type == "error"]
    assert errors == []
    stderr = [o.text for cell in cells for o in cell.outputs if o.get("name") == "stderr"]
    assert stderr == []  # no warnings either


def test_it_built_into_the_given_folder(executed):
    _, out = executed
    assert {"graph.html", "graph.ttl", "report.md"} <= {p.name for p in out.iterdir()}


@pytest.mark.parametrize(
    ("needle", "what"),
    [
        ("event mentions in", "the build summary"),
        ("visited", "the saved queries"),
        ("PageRank", "the centrality table"),
        ("Communities (modularity", "the communities"),
        ("Blocs of the signed view", "the blocs"),
        ("1. ウラジーミル・プーチン —", "the explained path from Putin"),
        ("events from 20", "the timeline"),
        ("## Most central actors", "the report"),
        ("srcdoc=", "the embedded graph page"),
    ],
)
def test_outputs_show_each_step(executed, needle, what):
    notebook, _ = executed
    text = "\n".join(cell_text(cell) for cell in code_cells(notebook))
    assert needle in text, f"{what} is missing"


def test_embedded_page_is_escaped_into_the_attribute(executed):
    notebook, _ = executed
    html = cell_text(code_cells(notebook)[-1])
    assert html.count("<iframe") == 1
    assert 'srcdoc="&lt;!DOCTYPE html&gt;' in html
    assert "<script" not in html  # the page's scripts stay inside the srcdoc attribute


def test_committed_notebook_has_no_outputs():
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in code_cells(notebook))
