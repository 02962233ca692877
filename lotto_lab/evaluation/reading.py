"""Plain-language readings of an evaluation, in Chinese and English.

The reading addresses the question a user brings ("does anything beat chance, and how sure are
we?") with the summed log-loss lift. The Holm-corrected p-values decide, and the SPA test of the
best strategy is quoted beside them.
"""

from __future__ import annotations

import math

import pandas as pd

from lotto_lab.evaluation.significance import Significance
from lotto_lab.games import GameSpec

__all__ = ["evaluation_reading", "format_p"]


def format_p(p: float) -> str:
    """Return a p-value as text: three decimals, ``<0.001`` below that, ``n/a`` for NaN."""
    if p is None or not math.isfinite(p):
        return "n/a"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def evaluation_reading(
    spec: GameSpec, table: pd.DataFrame, significance: Significance, alpha: float
) -> dict[str, str]:
    """Return ``{"zh": ..., "en": ...}``: whether any strategy beats chance after correction."""
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
        spa_p = format_p(significance.spa.p_consistent)
        spa_en = f" Hansen's SPA test that the best strategy beats uniform gives p = {spa_p}."
        spa_zh = f"Hansen SPA 检验（最优策略是否胜过均匀）的 p = {spa_p}。"

    winners = significance.significant
    if not winners:
        en = (
            f"{spec.title_en}, {n_draws} scored draws: no strategy beats chance at the {level} level "
            f"after correction. The best by log-loss, {best['strategy']}, gains {lift}; one-sided "
            f"p = {format_p(best['p_value'])}, corrected p = {format_p(best['p_holm'])} ({family})."
            f"{spa_en}"
        )
        zh = (
            f"{spec.title_zh}，共 {n_draws} 期评分：经校正后，没有任何策略在 {level} 水平上胜过随机。"
            f"对数损失最优的策略 {best['strategy']} 提升 {lift_zh}；单侧 p = {format_p(best['p_value'])}，"
            f"校正后 p = {format_p(best['p_holm'])}（{family_zh}）。{spa_zh}"
        )
        return {"zh": zh, "en": en}

    names = ", ".join(winners)
    en = (
        f"{spec.title_en}, {n_draws} scored draws: {names} beat{'s' if len(winners) == 1 else ''} "
        f"uniform at the {level} level after correction ({family}). The best, {best['strategy']}, "
        f"gains {lift}; corrected p = {format_p(best['p_holm'])}.{spa_en}"
    )
    zh = (
        f"{spec.title_zh}，共 {n_draws} 期评分：经校正后，{names} 在 {level} 水平上胜过均匀基准"
        f"（{family_zh}）。最优策略 {best['strategy']} 提升 {lift_zh}；校正后 p = "
        f"{format_p(best['p_holm'])}。{spa_zh}"
    )
    if significance.spa is not None and significance.spa.p_consistent >= significance.alpha:
        en += " The SPA test does not confirm it at this level, so treat the finding with caution."
        zh += "SPA 检验在该水平上未能确认这一结果，请谨慎看待。"
    return {"zh": zh, "en": en}
