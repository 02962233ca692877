"""notebooks/01-ingest.ipynb: its layout, and a run under papermill with a real kernel."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import papermill
import pytest

from lotto_lab.config import NOTEBOOKS_DIR

NOTEBOOK = NOTEBOOKS_DIR / "01-ingest.ipynb"
PARAMETER_LINE = re.compile(r"^(\w+): (\w+) = (.+?)  # \S.*$")


@pytest.fixture(scope="module")
def notebook() -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK, as_version=4)


def test_title_first(notebook) -> None:
    first = notebook.cells[0]
    assert first.cell_type == "markdown"
    assert first.source.startswith("# 01 · ")


def test_one_parameters_cell_of_literals(notebook) -> None:
    tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = {}
    for line in tagged[0].source.splitlines():
        match = PARAMETER_LINE.match(line)
        assert match, line
        name, _, literal = match.groups()
        names[name] = ast.literal_eval(literal)
    assert names == {
        "db_path": "",
        "output_dir": "",
        "seed": 20030223,
        "games": ["ssq", "dlt"],
        "source": "bundled",
    }


def test_committed_clean_and_thin(notebook) -> None:
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        assert cell.outputs == []
        assert cell.execution_count is None
        tree = ast.parse(cell.source)
        defined = [
            node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda)
        ]
        assert defined == []


def test_runs_under_papermill(tmp_path: Path) -> None:
    output = tmp_path / "01-ingest.ipynb"
    database = tmp_path / "store.duckdb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(output),
        parameters={"db_path": str(database), "output_dir": str(tmp_path / "out")},
        kernel_name="python3",
        progress_bar=False,
    )
    record = json.loads((tmp_path / "out" / "ingest.json").read_text(encoding="utf-8"))
    assert record["db_path"] == str(database)
    assert [(r["game"], r["inserted"], r["quarantined"]) for r in record["reports"]] == [
        ("ssq", 3493, 0),
        ("dlt", 2913, 0),
    ]
    assert (record["conflicts"], record["quarantined"]) == (27, 0)
    executed = nbformat.read(output, as_version=4)
    errors = [
        out
        for cell in executed.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert errors == []
