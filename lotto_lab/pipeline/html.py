"""HTML copies of executed notebooks that open without any network access.

nbconvert's ``lab`` template loads require.js, MathJax and Mermaid from a CDN. The template below
drops those scripts. Plotly figures, which a Jupyter kernel emits only as Plotly JSON, are turned
into HTML that draws them with a local ``plotly.min.js`` written once beside the HTML files of a run.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

__all__ = ["PLOTLY_JS_NAME", "export_html"]

log = logging.getLogger(__name__)

PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLY_JS_NAME = "plotly.min.js"
_TEMPLATE_NAME = "lotto_lab_offline.html.j2"

# NOTE: without MathJax, LaTeX in Markdown cells shows as its source text.
_TEMPLATE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}
{%- if resources.plotly_js_url -%}
<script src="{{ resources.plotly_js_url }}"></script>
{%- endif -%}
{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


class PlotlyHtmlPreprocessor(Preprocessor):
    """Add a ``text/html`` rendering to every output that contains a Plotly figure as JSON.

    Sets ``resources["has_plotly"]`` when the notebook had at least one such output.
    """

    def preprocess(self, nb, resources):
        import plotly.io as pio

        resources["has_plotly"] = False
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if PLOTLY_MIME not in data:
                    continue
                figure = data[PLOTLY_MIME]
                data["text/html"] = pio.to_html(
                    figure, include_plotlyjs=False, full_html=False, validate=False
                )
                resources["has_plotly"] = True
        return nb, resources


def _write_plotly_js(html_dir: Path) -> None:
    target = html_dir / PLOTLY_JS_NAME
    if target.exists():
        return
    import plotly

    source = Path(plotly.__file__).parent / "package_data" / PLOTLY_JS_NAME
    shutil.copyfile(source, target)


def export_html(notebook_path: Path, html_path: Path) -> Path:
    """Write an offline HTML copy of an executed notebook.

    Parameters
    ----------
    notebook_path
        The executed ``.ipynb`` file.
    html_path
        The HTML file to write. When the notebook has Plotly figures, ``plotly.min.js`` is copied
        into the same folder (once) and the HTML loads it by relative path.

    Returns
    -------
    Path
        ``html_path``.
    """
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook, resources = PlotlyHtmlPreprocessor().preprocess(notebook, {})

    html_path.parent.mkdir(parents=True, exist_ok=True)
    if resources["has_plotly"]:
        _write_plotly_js(html_path.parent)
        resources["plotly_js_url"] = PLOTLY_JS_NAME

    exporter = HTMLExporter(
        template_name="lab",
        template_file=_TEMPLATE_NAME,
        extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    html_path.write_text(body, encoding="utf-8")
    log.debug("wrote %s", html_path)
    return html_path
