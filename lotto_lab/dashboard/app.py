"""Entry script of ``panel serve``: ``panel serve lotto_lab/dashboard/app.py`` serves it at ``/app``.

``lotto-lab serve`` runs this script; the reports folder comes from ``LOTTO_LAB_REPORTS`` (set by
``lotto-lab serve --reports``) or the default, and the language from ``?lang=`` or ``LOTTO_LAB_LANG``.
"""

import panel as pn

from lotto_lab.dashboard.layout import create_app
from lotto_lab.i18n import text

pn.extension("plotly")

app = create_app()
app.servable(title=text("dash.title", "zh") + " · lotto_lab")
