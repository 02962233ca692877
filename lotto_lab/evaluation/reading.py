"""Plain-language readings of an evaluation, in Chinese and English.

The reading addresses the question a user brings ("does anything beat chance, and how sure are
we?") with the summed log-loss lift. The Holm-corrected p-values decide, and the SPA test of the
best strategy is quoted beside them.
"""

from __future__ import annotations

import math

import pandas as pd

from lotto_lab.evaluation.significance import Significance
from lotto_lab.games import GAMES, GameSpec
from lotto_lab.i18n import MESSAGES, text

__all__ = ["evaluation_reading", "format_p", "p_phrase"]

# Most secondary findings the reading names one by one.
MAX_LISTED = 3


def format_p(p: float) -> str:
    """Return a p-value as text: three decimals, ``<0.001`` below that, ``n/a`` for NaN."""
    if p is None or not math.isfinite(p):
        return "n/a"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def p_phrase(p: float, label: str = "p") -> str:
    """Return ``label`` with its p-value for a sentence: ``p < 0.001``, ``p = 0.012`` or ``p = n/a``."""
    if p is not None and math.isfinite(p) and p < 0.001:
        return f"{label} < 0.001"
    return f"{label} = {format_p(p)}"


def evaluation_reading(
    spec: GameSpec,
    table: pd.DataFrame,
    significance: Significance,
    alpha: float,
    *,
    baseline_strategy: str = "uniform",
) -> dict[str, str]:
    """Return ``{"zh": ..., "en": ...}``: whether any strategy beats chance after correction.

    The headline is about the primary measure, the summed log-loss lift. A sentence then names
    the rows of the secondary Holm family (hits, rates, return, per-pool lift) whose corrected
    p-value is below ``alpha``, the ``baseline_strategy`` left out, with a caution.
    """
    tests = significance.tests
    level = f"{alpha:.0%}"
    n_draws = significance.n_draws
    if tests.empty:
        return {
            "en": f"{spec.title_en}: only the uniform reference was scored on {n_draws} draws, "
            "so there is nothing to compare with chance.",
            "zh": f"{spec.title_zh}：在 {n_draws} 期上只评分了均匀基准，没有可与随机比较的策略。",
        }

    best = tests.loc[tests["mean_lift"].idxmax()]
    lift_rows = table[(table["metric"] == "log_loss_lift") & (table["pool"] == "all")]
    best_row = lift_rows[lift_rows["strategy"] == best["strategy"]].iloc[0]
    lift = (
        f"{best['mean_lift']:+.4f} bits per draw (95% interval {best_row['ci_low']:+.4f} to "
        f"{best_row['ci_high']:+.4f})"
    )
    lift_zh = (
        f"每期 {best['mean_lift']:+.4f} 比特（95% 区间 {best_row['ci_low']:+.4f} 至 "
        f"{best_row['ci_high']:+.4f}）"
    )
    family = (
        f"Holm correction over {significance.family_size} comparisons, "
        f"{significance.n_trials} of them tuning trials"
    )
    family_zh = f"Holm 校正共 {significance.family_size} 次比较，其中调参试验 {significance.n_trials} 次"
    spa_en = spa_zh = ""
    if significance.spa is not None:
        spa_p = p_phrase(significance.spa.p_consistent)
        spa_en = f" Hansen's SPA test that the best strategy beats uniform gives {spa_p}."
        spa_zh = f"Hansen SPA 检验（最优策略是否胜过均匀）的 {spa_p}。"
    secondary_zh, secondary_en = _secondary_sentences(
        table, alpha, baseline_strategy, primary_holds=bool(significance.significant)
    )

    winners = significance.significant
    if not winners:
        en = (
            f"{spec.title_en}, {n_draws} scored draws: on the primary measure, the summed log-loss "
            f"lift over uniform, no strategy beats chance at the {level} level after correction. "
            f"The best by log-loss, {best['strategy']}, gains {lift}; one-sided "
            f"{p_phrase(best['p_value'])}, {p_phrase(best['p_holm'], 'corrected p')} ({family})."
            f"{spa_en}{secondary_en}"
        )
        zh = (
            f"{spec.title_zh}，共 {n_draws} 期评分：按主要指标（各号码区合计的对数损失相对均匀基准的"
            f"提升），经校正后没有任何策略在 {level} 水平上胜过随机。"
            f"对数损失最优的策略 {best['strategy']} 提升 {lift_zh}；单侧 {p_phrase(best['p_value'])}，"
            f"校正后 {p_phrase(best['p_holm'])}（{family_zh}）。{spa_zh}{secondary_zh}"
        )
        return {"zh": zh, "en": en}

    names = ", ".join(winners)
    en = (
        f"{spec.title_en}, {n_draws} scored draws: on the primary measure, the summed log-loss lift "
        f"over uniform, {names} beat{'s' if len(winners) == 1 else ''} uniform at the {level} level "
        f"after correction ({family}). The best, {best['strategy']}, gains {lift}; "
        f"{p_phrase(best['p_holm'], 'corrected p')}.{spa_en}"
    )
    zh = (
        f"{spec.title_zh}，共 {n_draws} 期评分：按主要指标（各号码区合计的对数损失相对均匀基准的提升），"
        f"经校正后 {names} 在 {level} 水平上胜过均匀基准（{family_zh}）。最优策略 {best['strategy']} "
        f"提升 {lift_zh}；校正后 {p_phrase(best['p_holm'])}。{spa_zh}"
    )
    if significance.spa is not None and significance.spa.p_consistent >= significance.alpha:
        en += " The SPA test does not confirm it at this level, so treat the finding with caution."
        zh += "SPA 检验在该水平上未能确认这一结果，请谨慎看待。"
    return {"zh": zh + secondary_zh, "en": en + secondary_en}


def _number(value: float) -> str:
    """Four decimals, or three significant digits for the tiny tier rates."""
    if value != 0 and abs(value) < 0.01:
        return f"{value:.3g}"
    return f"{value:.4f}"


def _measure(metric: str, pool: str, detail: str, language: str) -> str:
    """Return "mean hits (front)" or "平均命中个数 (前区)", with the detail after the pool."""
    pool_label = _label(f"dash.pool.{pool}", _pool_label(pool, language), language)
    inside = pool_label + (f", {detail}" if detail else "")
    return f"{_label(f'dash.metric.{metric}', metric, language)} ({inside})"


def _pool_label(name: str, language: str) -> str:
    for game in GAMES.values():
        for pool in game.pools:
            if pool.name == name:
                return pool.label_zh if language == "zh" else pool.label_en
    return name


def _label(key: str, fallback: str, language: str) -> str:
    return text(key, language) if key in MESSAGES else fallback


def _secondary_sentences(
    table: pd.DataFrame, alpha: float, baseline_strategy: str, *, primary_holds: bool
) -> tuple[str, str]:
    """Name the secondary rows significant after Holm's correction, with a caution; ("", "") if none."""
    tested = table["p_holm"].notna()
    primary = (table["metric"] == "log_loss_lift") & (table["pool"] == "all")
    secondary = table[tested & ~primary]
    found = secondary[
        (secondary["p_holm"] < alpha) & (secondary["strategy"] != baseline_strategy)
    ].sort_values("p_holm", kind="stable")
    if found.empty:
        return "", ""

    level = f"{alpha:.0%}"
    items_en, items_zh = [], []
    for row in found.head(MAX_LISTED).itertuples(index=False):
        figures = f"{_number(row.value)} vs {_number(row.baseline)}"
        measure_en = _measure(row.metric, row.pool, row.detail, "en")
        measure_zh = _measure(row.metric, row.pool, row.detail, "zh")
        items_en.append(f"{row.strategy} {measure_en} {figures}, {p_phrase(row.p_holm, 'corrected p')}")
        items_zh.append(f"{row.strategy} {measure_zh} {figures}，校正后 {p_phrase(row.p_holm)}")

    more = len(found) - MAX_LISTED
    more_en = f", and {more} more" if more > 0 else ""
    more_zh = f"，另有 {more} 项" if more > 0 else ""
    holds_en = "" if primary_holds else "; here it does not"
    holds_zh = "" if primary_holds else "；本次主要指标并未成立"

    en = (
        f" On the secondary measures (Holm correction over their {len(secondary)} tests), "
        f"{len(found)} {'row exceeds' if len(found) == 1 else 'rows exceed'} chance at the {level} level: "
        f"{'; '.join(items_en)}{more_en}. A better hit rate or return on past draws is not a better "
        f"forecast unless the log-loss lift holds as well{holds_en}."
    )
    zh = (
        f"次要指标（其 {len(secondary)} 项检验一起做 Holm 校正）中，有 {len(found)} 项在 {level} "
        f"水平上高于随机：{'；'.join(items_zh)}{more_zh}。过去开奖上更高的命中率或回报并不等于更好的预测，"
        f"除非对数损失提升也成立{holds_zh}。"
    )
    return zh, en
