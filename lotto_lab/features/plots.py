"""Figures of the feature families, each split into a data function and a figure function.

The data functions (``*_plot_data``, :func:`statistic_distribution`) return tidy frames and
carry the fair-draw baseline beside every observed value; the figure functions only draw them.
Figure text is Chinese by default and English with ``language="en"`` (the same choice as
:func:`lotto_lab.i18n.get_language`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from scipy import stats

from lotto_lab.config import DEFAULT_SEED
from lotto_lab.errors import ConfigError
from lotto_lab.features._checks import (
    check_history,
    check_n_zones,
    check_positive_ints,
    check_threshold,
    check_window,
)
from lotto_lab.features.fair_draws import AC_SAMPLES, statistic_pmf
from lotto_lab.features.per_draw import draw_statistics, statistic_names
from lotto_lab.features.per_number import (
    DEFAULT_WINDOWS,
    HOT_COLD_LABELS,
    hot_cold_codes,
    hot_cold_scores,
    number_state,
)
from lotto_lab.games import GAMES
from lotto_lab.history import DrawHistory
from lotto_lab.i18n import get_language

__all__ = [
    "DRAW_FAMILIES",
    "distribution_figure",
    "frequency_figure",
    "frequency_plot_data",
    "hot_cold_figure",
    "hot_cold_plot_data",
    "omission_figure",
    "omission_plot_data",
    "statistic_distribution",
]

# The per-draw families and their statistics; ``zone_<i>`` is expanded to the zones in use.
DRAW_FAMILIES: dict[str, tuple[str, ...]] = {
    "odd_big": ("odd", "big"),
    "sum_span": ("sum", "span"),
    "zones": ("zone_<i>",),
    "consecutive": ("consecutive",),
    "repeats": ("repeats",),
    "ac": ("ac",),
}

_Z95 = float(stats.norm.ppf(0.975))

_LABELS: dict[str, dict[str, str]] = {
    "number": {"zh": "号码", "en": "number"},
    "rate": {"zh": "出现率", "en": "share of draws"},
    "share": {"zh": "占比", "en": "share of draws"},
    "observed": {"zh": "实际", "en": "observed"},
    "expected": {"zh": "公平抽奖期望", "en": "fair-draw expectation"},
    "band": {"zh": "公平抽奖 95% 范围", "en": "fair-draw 95% range"},
    "window": {"zh": "近 {window} 期", "en": "last {window} draws"},
    "window_all": {"zh": "全部 {draws} 期", "en": "all {draws} draws"},
    "frequency_title": {
        "zh": "各号码出现率 (截至最新一期)",
        "en": "How often each number was drawn (up to the latest draw)",
    },
    "omission": {"zh": "当前遗漏", "en": "current omission"},
    "max_omission": {"zh": "最大遗漏", "en": "max omission"},
    "omission_mean": {"zh": "公平抽奖平均遗漏", "en": "fair-draw mean omission"},
    "omission_p95": {"zh": "公平抽奖 95% 分位", "en": "fair-draw 95th percentile"},
    "omission_title": {"zh": "各号码遗漏期数 (截至最新一期)", "en": "Draws since each number was last drawn"},
    "draws": {"zh": "期数", "en": "draws"},
    "hit_rate": {"zh": "下一期开出率", "en": "rate drawn in the next draw"},
    "baseline": {"zh": "随机基准", "en": "random baseline"},
    "hot_cold_title": {
        "zh": "冷热号在下一期的开出率 (近 {window} 期, 阈值 z = {threshold}); 误差线为 95% Wilson 区间",
        "en": "Next-draw rate of hot, neutral and cold numbers (last {window} draws, z = {threshold}); "
        "bars show 95% Wilson intervals",
    },
    "cold": {"zh": "冷号", "en": "cold"},
    "neutral": {"zh": "温号", "en": "neutral"},
    "hot": {"zh": "热号", "en": "hot"},
    "distribution_title": {
        "zh": "各期统计量分布与公平抽奖对比",
        "en": "Per-draw statistics against fair draws",
    },
    "simulated": {"zh": " (期望为模拟值)", "en": " (expectation simulated)"},
    "odd": {"zh": "奇数个数", "en": "odd count"},
    "big": {"zh": "大号个数", "en": "big count"},
    "sum": {"zh": "和值", "en": "sum"},
    "span": {"zh": "跨度", "en": "span"},
    "zone": {"zh": "第 {zone} 区个数", "en": "zone {zone} count"},
    "consecutive": {"zh": "连号对数", "en": "consecutive pairs"},
    "repeats": {"zh": "重号个数", "en": "repeats from previous draw"},
    "ac": {"zh": "AC 值", "en": "AC value"},
}


def _label(key: str, language: str | None, **fields: object) -> str:
    return _LABELS[key][get_language(language)].format(**fields)


def _pool_label(pool: str, language: str | None) -> str:
    for spec in GAMES.values():
        if pool in spec.pool_names:
            found = spec.pool(pool)
            return found.label_zh if get_language(language) == "zh" else found.label_en
    return pool


def _statistic_label(statistic: str, language: str | None) -> str:
    if statistic.startswith("zone_"):
        return _label("zone", language, zone=statistic.removeprefix("zone_"))
    return _label(statistic, language)


def _check_not_empty(history: DrawHistory, figure_name: str) -> None:
    if len(history) == 0:
        raise ConfigError(
            f"the {figure_name} figure needs at least one draw, got an empty history",
            zh=f"{figure_name} 图至少需要一期开奖数据, 但历史数据为空",
        )


# -- frequency ---------------------------------------------------------------------------------


def frequency_plot_data(history: DrawHistory, windows: Sequence[int] = DEFAULT_WINDOWS) -> pd.DataFrame:
    """Build each number's share of the last ``w`` draws, with the fair-draw range beside it.

    Returns
    -------
    pandas.DataFrame
        One row per (pool, window, number) with the columns ``pool``, ``window`` (the window
        length, 0 for all draws), ``draws`` (draws the window covers), ``number``, ``count``,
        ``rate``, ``expected_rate`` (``pick / size``), ``band_low`` and ``band_high``. The band
        columns are the 2.5% and 97.5% quantiles of the rate under fair draws, which is
        Binomial(draws, pick / size) / draws.
    """
    history = check_history(history)
    windows = check_positive_ints("windows", windows, "windows=(10, 30, 100)")
    _check_not_empty(history, "frequency")

    n_draws = len(history)
    frames = []
    for pool in history.game.pools:
        state = number_state(history.indicators(pool.name), windows)
        p = pool.pick / pool.size
        for window, key in [*((w, f"freq_{w}") for w in windows), (0, "freq_all")]:
            draws = n_draws if window == 0 else min(window, n_draws)
            counts = state[key][-1]
            frames.append(
                pd.DataFrame(
                    {
                        "pool": pool.name,
                        "window": window,
                        "draws": draws,
                        "number": np.arange(1, pool.size + 1),
                        "count": counts,
                        "rate": counts / draws,
                        "expected_rate": p,
                        "band_low": stats.binom.ppf(0.025, draws, p) / draws,
                        "band_high": stats.binom.ppf(0.975, draws, p) / draws,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def frequency_figure(data: pd.DataFrame, *, language: str | None = None) -> go.Figure:
    """Draw :func:`frequency_plot_data`: one panel per window (rows) and pool (columns)."""
    pools = list(dict.fromkeys(data["pool"]))
    windows = list(dict.fromkeys(data["window"]))
    titles = []
    for window in windows:
        draws = int(data.loc[data["window"] == window, "draws"].iloc[0])
        window_text = (
            _label("window_all", language, draws=draws)
            if window == 0
            else _label("window", language, window=window)
        )
        titles += [f"{_pool_label(pool, language)} · {window_text}" for pool in pools]
    figure = make_subplots(rows=len(windows), cols=len(pools), subplot_titles=titles)

    for row, window in enumerate(windows, start=1):
        for col, pool in enumerate(pools, start=1):
            part = data[(data["window"] == window) & (data["pool"] == pool)]
            first = row == 1 and col == 1
            x = part["number"].to_numpy()
            edges = [x.min() - 0.5, x.max() + 0.5]
            figure.add_trace(
                go.Scatter(
                    x=[*edges, *edges[::-1]],
                    y=[part["band_high"].iloc[0]] * 2 + [part["band_low"].iloc[0]] * 2,
                    fill="toself",
                    fillcolor="rgba(120, 120, 120, 0.2)",
                    line={"width": 0},
                    name=_label("band", language),
                    legendgroup="band",
                    showlegend=first,
                    hoverinfo="skip",
                ),
                row=row,
                col=col,
            )
            figure.add_trace(
                go.Bar(
                    x=x,
                    y=part["rate"],
                    customdata=part["count"],
                    hovertemplate="%{x}: %{y:.3f} (%{customdata})<extra></extra>",
                    name=_label("observed", language),
                    legendgroup="observed",
                    showlegend=first,
                    marker_color="#1f77b4",
                ),
                row=row,
                col=col,
            )
            figure.add_trace(
                go.Scatter(
                    x=edges,
                    y=[part["expected_rate"].iloc[0]] * 2,
                    mode="lines",
                    line={"dash": "dash", "color": "black"},
                    name=_label("expected", language),
                    legendgroup="expected",
                    showlegend=first,
                ),
                row=row,
                col=col,
            )
    figure.update_yaxes(title_text=_label("rate", language), col=1)
    figure.update_xaxes(title_text=_label("number", language), row=len(windows))
    figure.update_layout(
        title=_label("frequency_title", language), height=260 * len(windows) + 120, bargap=0.15
    )
    return figure


# -- omission ----------------------------------------------------------------------------------


def omission_plot_data(history: DrawHistory) -> pd.DataFrame:
    """Build each number's current and max omission after the last draw, with fair-draw levels.

    Returns
    -------
    pandas.DataFrame
        One row per (pool, number): ``omission``, ``max_omission``, ``expected_omission``
        (``(1 - p) / p`` with ``p = pick / size``, the mean of the geometric omission of a fair
        draw) and ``omission_p95`` (its 95th percentile).
    """
    history = check_history(history)
    _check_not_empty(history, "omission")

    frames = []
    for pool in history.game.pools:
        state = number_state(history.indicators(pool.name), ())
        p = pool.pick / pool.size
        frames.append(
            pd.DataFrame(
                {
                    "pool": pool.name,
                    "number": np.arange(1, pool.size + 1),
                    "omission": state["omission"][-1],
                    "max_omission": state["max_omission"][-1],
                    "expected_omission": (1 - p) / p,
                    # scipy's geometric law counts trials up to the first success, one more
                    # than the draws missed before it.
                    "omission_p95": stats.geom.ppf(0.95, p) - 1,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def omission_figure(data: pd.DataFrame, *, language: str | None = None) -> go.Figure:
    """Draw :func:`omission_plot_data`: one panel per pool."""
    pools = list(dict.fromkeys(data["pool"]))
    figure = make_subplots(
        rows=1, cols=len(pools), subplot_titles=[_pool_label(pool, language) for pool in pools]
    )

    for col, pool in enumerate(pools, start=1):
        part = data[data["pool"] == pool]
        first = col == 1
        x = part["number"].to_numpy()
        edges = [x.min() - 0.5, x.max() + 0.5]
        figure.add_trace(
            go.Bar(
                x=x,
                y=part["omission"],
                name=_label("omission", language),
                legendgroup="omission",
                showlegend=first,
                marker_color="#1f77b4",
            ),
            row=1,
            col=col,
        )
        figure.add_trace(
            go.Scatter(
                x=x,
                y=part["max_omission"],
                mode="markers",
                marker={"symbol": "line-ew-open", "size": 10, "color": "#d62728"},
                name=_label("max_omission", language),
                legendgroup="max_omission",
                showlegend=first,
            ),
            row=1,
            col=col,
        )
        for key, dash in (("expected_omission", "dash"), ("omission_p95", "dot")):
            figure.add_trace(
                go.Scatter(
                    x=edges,
                    y=[part[key].iloc[0]] * 2,
                    mode="lines",
                    line={"dash": dash, "color": "black"},
                    name=_label("omission_mean" if key == "expected_omission" else "omission_p95", language),
                    legendgroup=key,
                    showlegend=first,
                ),
                row=1,
                col=col,
            )
    figure.update_yaxes(title_text=_label("draws", language), col=1)
    figure.update_xaxes(title_text=_label("number", language))
    figure.update_layout(title=_label("omission_title", language), height=420)
    return figure


# -- hot and cold ------------------------------------------------------------------------------


def hot_cold_plot_data(history: DrawHistory, *, window: int = 100, threshold: float = 1.0) -> pd.DataFrame:
    """Score the hot/cold rule: how often numbers of each class were drawn in the next draw.

    Every draw ``t >= window`` is a target. Each number is classed hot, neutral or cold from the
    ``window`` draws before ``t`` (the rule of :mod:`lotto_lab.features.per_number`), and
    counted as a hit when draw ``t`` contains it. A fair draw contains any number with
    probability ``pick / size`` whatever its class, which is the baseline.

    Returns
    -------
    pandas.DataFrame
        One row per (pool, class): ``pool``, ``hot_cold``, ``window``, ``threshold``, ``numbers``
        (number-draw pairs in the class), ``hits``, ``rate``, ``baseline``, ``ci_low``,
        ``ci_high`` (95% Wilson interval of the rate; NaN for an empty class).

    Raises
    ------
    ConfigError
        When ``window`` is below 1 or leaves no target (the history needs more than ``window``
        draws), or ``threshold`` is not above 0.
    """
    history = check_history(history)
    window = check_window("window", window)
    threshold = check_threshold("threshold", threshold)
    if len(history) <= window:
        raise ConfigError(
            f"the hot/cold figure needs more draws than window ({window}), got {len(history)}; "
            "lower window or load more draws",
            zh=f"冷热号图需要多于 window ({window}) 期的数据, 实际只有 {len(history)} 期; "
            "请减小 window 或载入更多数据",
        )

    frames = []
    for pool in history.game.pools:
        indicators = history.indicators(pool.name)
        state = number_state(indicators, (window,))
        counts = state[f"freq_{window}"][window:-1]
        z = hot_cold_scores(counts, np.full(len(counts), window), pool)
        codes = hot_cold_codes(z, threshold)
        outcomes = indicators[window:]
        numbers = np.bincount(codes.ravel(), minlength=3)
        hits = np.bincount(codes.ravel(), weights=outcomes.ravel(), minlength=3).astype(np.int64)
        low, high = _wilson_interval(hits, numbers)
        frames.append(
            pd.DataFrame(
                {
                    "pool": pool.name,
                    "hot_cold": list(HOT_COLD_LABELS),
                    "window": window,
                    "threshold": threshold,
                    "numbers": numbers,
                    "hits": hits,
                    "rate": np.divide(hits, numbers, out=np.full(3, np.nan), where=numbers > 0),
                    "baseline": pool.pick / pool.size,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _wilson_interval(hits: np.ndarray, trials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the 95% Wilson score interval of ``hits / trials``, NaN where ``trials`` is 0.

    NOTE: the interval treats every number-draw pair as independent. Numbers of one draw are
    not (a draw contains exactly ``pick`` of them), so the interval is approximate.
    """
    n = np.asarray(trials, dtype=np.float64)
    h = np.asarray(hits, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = h / n
        denominator = 1 + _Z95**2 / n
        centre = (rate + _Z95**2 / (2 * n)) / denominator
        half = _Z95 * np.sqrt(rate * (1 - rate) / n + _Z95**2 / (4 * n**2)) / denominator
    low = np.where(n > 0, centre - half, np.nan)
    high = np.where(n > 0, centre + half, np.nan)
    return low, high


def hot_cold_figure(data: pd.DataFrame, *, language: str | None = None) -> go.Figure:
    """Draw :func:`hot_cold_plot_data`: one panel per pool, the baseline as a dashed line."""
    pools = list(dict.fromkeys(data["pool"]))
    figure = make_subplots(
        rows=1, cols=len(pools), subplot_titles=[_pool_label(pool, language) for pool in pools]
    )

    for col, pool in enumerate(pools, start=1):
        part = data[data["pool"] == pool]
        labels = [_label(name, language) for name in part["hot_cold"]]
        figure.add_trace(
            go.Bar(
                x=labels,
                y=part["rate"],
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": part["ci_high"] - part["rate"],
                    "arrayminus": part["rate"] - part["ci_low"],
                },
                customdata=np.stack([part["hits"], part["numbers"]], axis=1),
                hovertemplate="%{x}: %{y:.4f} (%{customdata[0]} / %{customdata[1]})<extra></extra>",
                name=_label("observed", language),
                legendgroup="observed",
                showlegend=col == 1,
                marker_color=["#1f77b4", "#7f7f7f", "#d62728"],
            ),
            row=1,
            col=col,
        )
        figure.add_trace(
            go.Scatter(
                x=labels,
                y=part["baseline"],
                mode="lines",
                line={"dash": "dash", "color": "black"},
                name=_label("baseline", language),
                legendgroup="baseline",
                showlegend=col == 1,
            ),
            row=1,
            col=col,
        )
    figure.update_yaxes(title_text=_label("hit_rate", language), col=1)
    window = int(data["window"].iloc[0]) if len(data) else 0
    threshold = float(data["threshold"].iloc[0]) if len(data) else 0.0
    figure.update_layout(
        title=_label("hot_cold_title", language, window=window, threshold=f"{threshold:g}"), height=420
    )
    return figure


# -- per-draw statistics -----------------------------------------------------------------------


def statistic_distribution(
    history: DrawHistory,
    statistics: Sequence[str],
    *,
    n_zones: int = 3,
    n_samples: int = AC_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Count each value of per-draw statistics and set the fair-draw distribution beside it.

    Parameters
    ----------
    history
        The draws.
    statistics
        Statistic names of :func:`~lotto_lab.features.per_draw.statistic_names`; ``"zone_<i>"``
        stands for every zone. A pool without a statistic (``span`` of SSQ blue) is left out.
    n_zones
        Number of zones each pool is cut into.
    n_samples, seed
        Fair draws simulated for the AC value, and their seed.

    Returns
    -------
    pandas.DataFrame
        One row per (pool, statistic, value) with the columns ``observed`` (draws with the
        value), ``observed_share``, ``expected_share`` (fair draws), ``expected_low``,
        ``expected_high`` and ``exact`` (False where the expectation is simulated). The
        ``expected_low`` and ``expected_high`` columns are the 2.5% and 97.5% quantiles of the
        share that fair draws give over as many draws as were observed.
    """
    history = check_history(history)
    n_zones = check_n_zones(history.game, n_zones)
    requested = _expand_statistics(history, statistics, n_zones)
    _check_not_empty(history, "distribution")

    frames = []
    for pool in history.game.pools:
        values_by_name = draw_statistics(history.numbers[pool.name], pool, n_zones)
        for statistic in requested:
            if statistic not in values_by_name:
                continue
            values = values_by_name[statistic]
            values = values[~np.isnan(values)].astype(np.int64)
            pmf, exact = statistic_pmf(pool, statistic, n_zones=n_zones, n_samples=n_samples, seed=seed)
            observed = pd.Series(values).value_counts()
            index = pmf.index.union(observed.index).sort_values()
            expected = pmf.reindex(index, fill_value=0.0).to_numpy()
            counts = observed.reindex(index, fill_value=0).to_numpy()
            n_observed = len(values)
            frames.append(
                pd.DataFrame(
                    {
                        "pool": pool.name,
                        "statistic": statistic,
                        "value": index.to_numpy(dtype=np.int64),
                        "observed": counts,
                        "observed_share": counts / n_observed if n_observed else np.nan,
                        "expected_share": expected,
                        "expected_low": stats.binom.ppf(0.025, n_observed, expected) / n_observed
                        if n_observed
                        else np.nan,
                        "expected_high": stats.binom.ppf(0.975, n_observed, expected) / n_observed
                        if n_observed
                        else np.nan,
                        "exact": exact,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def _expand_statistics(history: DrawHistory, statistics: Sequence[str], n_zones: int) -> list[str]:
    known = list(
        dict.fromkeys(name for pool in history.game.pools for name in statistic_names(pool, n_zones))
    )
    if isinstance(statistics, str):
        statistics = [statistics]
    requested: list[str] = []
    for name in statistics:
        requested += [f"zone_{i}" for i in range(1, n_zones + 1)] if name == "zone_<i>" else [name]
    unknown = [name for name in requested if name not in known]
    if unknown or not requested:
        raise ConfigError(
            f"statistics must name per-draw statistics of {history.game.name}, got {list(statistics)!r}; "
            f"choose from {', '.join(known)} or 'zone_<i>'",
            zh=f"statistics 必须是 {history.game.name} 的每期统计量, 收到 {list(statistics)!r}; "
            f"可选: {', '.join(known)} 或 'zone_<i>'",
        )
    return requested


def distribution_figure(
    data: pd.DataFrame, *, title: str | None = None, language: str | None = None
) -> go.Figure:
    """Draw :func:`statistic_distribution`: one panel per statistic (rows) and pool (columns).

    Bars are the observed shares; markers with error bars are the fair-draw shares and their
    95% range.
    """
    pools = list(dict.fromkeys(data["pool"]))
    names = list(dict.fromkeys(data["statistic"]))
    titles = []
    for name in names:
        for pool in pools:
            part = data[(data["statistic"] == name) & (data["pool"] == pool)]
            if part.empty:
                titles.append("")
                continue
            simulated = "" if bool(part["exact"].iloc[0]) else _label("simulated", language)
            titles.append(f"{_pool_label(pool, language)} · {_statistic_label(name, language)}{simulated}")
    figure = make_subplots(rows=len(names), cols=len(pools), subplot_titles=titles)

    legend_shown = False
    for row, name in enumerate(names, start=1):
        for col, pool in enumerate(pools, start=1):
            part = data[(data["statistic"] == name) & (data["pool"] == pool)]
            if part.empty:
                continue
            figure.add_trace(
                go.Bar(
                    x=part["value"],
                    y=part["observed_share"],
                    customdata=part["observed"],
                    hovertemplate="%{x}: %{y:.3f} (%{customdata})<extra></extra>",
                    name=_label("observed", language),
                    legendgroup="observed",
                    showlegend=not legend_shown,
                    marker_color="#1f77b4",
                ),
                row=row,
                col=col,
            )
            figure.add_trace(
                go.Scatter(
                    x=part["value"],
                    y=part["expected_share"],
                    mode="markers",
                    marker={"color": "black", "size": 5},
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "array": part["expected_high"] - part["expected_share"],
                        "arrayminus": part["expected_share"] - part["expected_low"],
                        "thickness": 1,
                    },
                    name=_label("expected", language) + " · " + _label("band", language),
                    legendgroup="expected",
                    showlegend=not legend_shown,
                ),
                row=row,
                col=col,
            )
            legend_shown = True
    figure.update_yaxes(title_text=_label("share", language), col=1)
    figure.update_layout(
        title=title or _label("distribution_title", language),
        height=300 * len(names) + 120,
        bargap=0.1,
    )
    return figure
