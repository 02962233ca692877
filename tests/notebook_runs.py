"""Helpers for tests that execute a notebook of notebooks/ under a real kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill

PLOTLY = "application/vnd.plotly.v1+json"


def execute(notebook: Path, tmp_path: Path, **parameters: object) -> nbformat.NotebookNode:
    """Run ``notebook`` with papermill in ``tmp_path`` and return the executed notebook."""
    executed = tmp_path / f"{notebook.stem}.out.ipynb"
    papermill.execute_notebook(
        str(notebook),
        str(executed),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    return nbformat.read(executed, as_version=4)


def plotly_outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    """Return the Plotly figures an executed notebook displayed, in cell order."""
    return [
        output["data"][PLOTLY]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if PLOTLY in output.get("data", {})
    ]
