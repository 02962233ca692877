"""Offline HTML export of executed notebooks."""

from __future__ import annotations

import json
import re

import nbformat
import plotly.graph_objects as go
import plotly.io as pio

from lotto_lab.pipeline.html import PLOTLY_JS_NAME, export_html

REMOTE_ASSET = re.compile(
    r"<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE
)


def executed_notebook(path, with_figure=True):
    """Write a notebook shaped like a kernel's output, without running a kernel."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Title with $x^2$")]
    if with_figure:
        figure = go.Figure(go.Bar(x=[1, 2], y=[0.5, 0.25]))
        output = nbformat.v4.new_output(
            "display_data", data={"application/vnd.plotly.v1+json": json.loads(pio.to_json(figure))}
        )
        notebook.cells.append(nbformat.v4.new_code_cell("fig.show()", outputs=[output], execution_count=1))
    table = nbformat.v4.new_output(
        "execute_result", data={"text/html": "<table><tr><td>中奖</td></tr></table>", "text/plain": "t"}
    )
    table.execution_count = 2
    notebook.cells.append(nbformat.v4.new_code_cell("frame", outputs=[table], execution_count=2))
    nbformat.write(notebook, path)
    return path


def test_export_has_no_remote_assets(tmp_path):
    html = export_html(executed_notebook(tmp_path / "a.ipynb"), tmp_path / "html" / "a.html")
    body = html.read_text(encoding="utf-8")
    assert REMOTE_ASSET.search(body) is None
    assert "cdnjs" not in body
    assert "require.min.js" not in body


def test_export_draws_plotly_with_local_script(tmp_path):
    html = export_html(executed_notebook(tmp_path / "a.ipynb"), tmp_path / "html" / "a.html")
    body = html.read_text(encoding="utf-8")
    assert f'<script src="{PLOTLY_JS_NAME}"></script>' in body
    assert "Plotly.newPlot" in body
    assert (tmp_path / "html" / PLOTLY_JS_NAME).stat().st_size > 1_000_000
    assert "中奖" in body


def test_export_without_figures_skips_plotly(tmp_path):
    html = export_html(
        executed_notebook(tmp_path / "b.ipynb", with_figure=False), tmp_path / "html" / "b.html"
    )
    body = html.read_text(encoding="utf-8")
    assert PLOTLY_JS_NAME not in body
    assert not (tmp_path / "html" / PLOTLY_JS_NAME).exists()
