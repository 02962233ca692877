"""User-facing text in Chinese (the default) and English.

Code, logs and docstrings stay English; what a user reads on the command line or the dashboard
comes from :data:`MESSAGES`. The language is chosen by ``--lang``, then ``LOTTO_LAB_LANG``, then
Chinese.
"""

from __future__ import annotations

import logging
import os

from lotto_lab.config import LANGUAGE_ENV

__all__ = ["LANGUAGES", "MESSAGES", "get_language", "text"]

log = logging.getLogger(__name__)

LANGUAGES = ("zh", "en")

# key -> {language: template}. Templates use str.format fields.
MESSAGES: dict[str, dict[str, str]] = {
    "error.prefix": {"zh": "错误", "en": "error"},
    "ingest.done": {
        "zh": "{game}: 读取 {read} 期, 新增 {inserted} 期, 未变 {unchanged} 期, 隔离 {quarantined} 行; 数据截至第 {last_issue} 期",
        "en": "{game}: read {read} draws, added {inserted}, unchanged {unchanged}, quarantined {quarantined}; data through issue {last_issue}",
    },
    "run.done": {
        "zh": "运行 {run_id} 已完成并发布到 {latest}",
        "en": "run {run_id} finished and was published to {latest}",
    },
    "serve.url": {"zh": "仪表盘地址: {url}", "en": "dashboard at {url}"},
    "dash.lstm_figure.optimization_history": {
        "zh": "调参优化历史 (各次试验的验证提升)",
        "en": "Optimisation history (validation lift of each trial)",
    },
    "dash.lstm_figure.param_importances": {
        "zh": "超参数重要性 (试验次数少时估计不可靠)",
        "en": "Hyperparameter importances (unreliable when few trials ran)",
    },
    "predict.header": {
        "zh": "{title} 第 {target_issue} 期预测 "
        "(数据截至第 {data_through} 期; 策略 {strategy}; 运行 {run_id})",
        "en": "{title}: prediction for issue {target_issue} "
        "(data through issue {data_through}; strategy {strategy}; run {run_id})",
    },
    "predict.ticket": {"zh": "第 {index} 注: {numbers}", "en": "ticket {index}: {numbers}"},
    "predict.top": {
        "zh": "{pool}概率最高的 {count} 个号码 (均匀基准 {baseline:.4f}):",
        "en": "{pool}: the {count} most probable numbers (uniform baseline {baseline:.4f}):",
    },
    "predict.note": {
        "zh": "提示: 每期开奖独立随机, 以上号码不会提高中奖概率; 各策略与随机基准的回测比较见仪表盘。",
        "en": "Note: draws are independent and random, so these numbers do not raise the chance of winning. "
        "The dashboard compares every strategy with the random baseline.",
    },
    # Dashboard labels (lotto_lab.dashboard).
    "dash.title": {"zh": "彩票研究工作台", "en": "lotto_lab research dashboard"},
    "dash.language": {"zh": "语言", "en": "Language"},
    "dash.no_run": {
        "zh": "还没有已发布的运行结果。请先在项目目录运行 `lotto-lab run --quick`(或 `make run`), "
        "完成后刷新本页。",
        "en": "No run has been published yet. Run `lotto-lab run --quick` (or `make run`) in the project "
        "folder, then reload this page.",
    },
    "dash.no_run_path": {"zh": "查找的位置: {path}", "en": "Looked in: {path}"},
    "dash.run_info": {
        "zh": "运行 {run_id} · 数据截至第 {data_through} 期 · 代码提交 {git_commit} · 完成于 {finished}",
        "en": "run {run_id} · data through issue {data_through} · git commit {git_commit} · "
        "finished {finished}",
    },
    "dash.unknown": {"zh": "未知", "en": "unknown"},
    "dash.target": {
        "zh": "第 {target_issue} 期(数据截至第 {data_through} 期)",
        "en": "issue {target_issue} (data through issue {data_through})",
    },
    "dash.tickets": {"zh": "预测号码", "en": "Predicted tickets"},
    "dash.tickets_note": {
        "zh": "号码按所选策略给出的各号码概率随机抽取(种子固定, 结果可重复, 与 `lotto-lab predict` 相同)。"
        "开奖是随机的: 除非下方的回测在校正后显示显著提升, 这些号码并不比随机选号更好。",
        "en": "Tickets are drawn at random with the chosen strategy's per-number probabilities (fixed seed, "
        "repeatable, the same as `lotto-lab predict`). Draws are random: unless the backtest below shows a "
        "significant lift after correction, these tickets are no better than random picks.",
    },
    "dash.strategy": {"zh": "策略", "en": "Strategy"},
    "dash.ticket_count": {"zh": "注数", "en": "Tickets"},
    "dash.seed": {"zh": "随机种子", "en": "Seed"},
    "dash.probabilities": {
        "zh": "各号码的预测概率与均匀基准",
        "en": "Per-number probabilities against uniform",
    },
    "dash.number": {"zh": "号码", "en": "number"},
    "dash.probability": {"zh": "概率", "en": "probability"},
    "dash.uniform_line": {"zh": "均匀基准 {value:.4f}", "en": "uniform {value:.4f}"},
    "dash.no_predictions": {
        "zh": "本次发布没有{game}的预测(predictions.json)。",
        "en": "This run published no {game} predictions (predictions.json).",
    },
    "dash.accuracy": {
        "zh": "回测准确度(与随机基准对比)",
        "en": "Backtest accuracy against the random baseline",
    },
    "dash.window.full": {"zh": "全部历史(滚动前推)", "en": "Whole history (walk-forward)"},
    "dash.window.holdout": {
        "zh": "留出集(调参从未见过的开奖)",
        "en": "Holdout (draws the tuning never saw)",
    },
    "dash.window.other": {"zh": "评估窗口 {name}", "en": "Window {name}"},
    "dash.window_range": {
        "zh": "评分期数 {n_draws}: 第 {first} 期至第 {last} 期",
        "en": "{n_draws} scored draws: issues {first} to {last}",
    },
    "dash.no_evaluation": {
        "zh": "本次发布没有{game}的评估结果(evaluation.json)。",
        "en": "This run published no {game} evaluation (evaluation.json).",
    },
    "dash.spa": {
        "zh": "Hansen SPA 检验(最优策略是否胜过均匀): 最优策略 {best}, p = {p}",
        "en": "Hansen's SPA test (does the best strategy beat uniform): best {best}, p = {p}",
    },
    "dash.tiers": {"zh": "各奖级中奖率与精确概率", "en": "Prize-tier rates against their exact odds"},
    "dash.audit": {"zh": "开奖随机性检验", "en": "Randomness audit of the draws"},
    "dash.audit_count": {
        "zh": "共 {n_tests} 项检验, Benjamini-Hochberg 校正后显著 {n_significant} 项。",
        "en": "{n_tests} tests, {n_significant} significant after the Benjamini-Hochberg correction.",
    },
    "dash.no_audit": {
        "zh": "本次发布没有{game}的随机性检验(audit.json)。",
        "en": "This run published no {game} randomness audit (audit.json).",
    },
    "dash.lstm": {"zh": "LSTM 调参(Optuna)", "en": "LSTM tuning (Optuna)"},
    "dash.lstm_note": {
        "zh": "调参过程中的目标值是在验证集上从多次试验中选出的最优值, 会高估真实提升。"
        "LSTM 的准确度请看上方留出集表格, 那里它与随机基准、区间和校正后 p 值并列。",
        "en": "The objective values of the study are the best of many trials on the validation draws, "
        "so they overstate the real lift. Judge the LSTM by the holdout table above, where it stands "
        "beside the random baseline, its interval and the corrected p-value.",
    },
    "dash.read_error": {"zh": "无法读取 {what}: {error}", "en": "could not read {what}: {error}"},
    "dash.pool.all": {"zh": "合计", "en": "all pools"},
    "dash.yes": {"zh": "是", "en": "yes"},
    "dash.no": {"zh": "否", "en": "no"},
    "dash.col.ticket": {"zh": "序号", "en": "#"},
    "dash.col.strategy": {"zh": "策略", "en": "strategy"},
    "dash.col.metric": {"zh": "指标", "en": "metric"},
    "dash.col.pool": {"zh": "号码区", "en": "pool"},
    "dash.col.detail": {"zh": "规则与奖级", "en": "rule and tier"},
    "dash.col.value": {"zh": "数值", "en": "value"},
    "dash.col.baseline": {"zh": "随机基准", "en": "random baseline"},
    "dash.col.interval": {"zh": "95% 区间", "en": "95% interval"},
    "dash.col.p": {"zh": "p 值", "en": "p"},
    "dash.col.p_holm": {"zh": "Holm 校正 p", "en": "Holm-corrected p"},
    "dash.col.n": {"zh": "期数", "en": "draws"},
    "dash.col.test": {"zh": "检验", "en": "test"},
    "dash.col.era": {"zh": "时期", "en": "era"},
    "dash.col.statistic": {"zh": "统计量", "en": "statistic"},
    "dash.col.p_bh": {"zh": "BH 校正 p", "en": "BH-corrected p"},
    "dash.col.significant": {"zh": "显著", "en": "significant"},
    "dash.col.reading": {"zh": "解读", "en": "reading"},
    "dash.col.field": {"zh": "项目", "en": "field"},
    "dash.metric.log_loss_lift": {
        "zh": "对数损失提升(比特/期)",
        "en": "log-loss lift (bits per draw)",
    },
    "dash.metric.mean_hits": {"zh": "平均命中个数", "en": "mean hits"},
    "dash.metric.win_rate": {"zh": "中奖率", "en": "win rate"},
    "dash.metric.return_on_stake": {"zh": "投注回报率", "en": "return on stake"},
    "dash.metric.tier_rate": {"zh": "奖级中奖率", "en": "tier rate"},
    "tune.study": {
        "zh": "{game}: 研究 {study} 本次运行了 {ran} 次试验; 共比较 {compared} 次 (完成 {complete}, 剪枝 {pruned}, "
        "失败 {failed}); 最佳验证提升 {best:+.4f} 比特/期 (试验 {trial})",
        "en": "{game}: study {study} ran {ran} trials now; {compared} compared in all ({complete} complete, "
        "{pruned} pruned, {failed} failed); best validation lift {best:+.4f} bits/draw (trial {trial})",
    },
    "tune.holdout": {
        "zh": "{game}: 留出集第 {first} 至 {last} 期 ({n} 期) 上, LSTM 相对均匀基准的提升为 {lift:+.4f} 比特/期 "
        "(95% 区间 {low:+.4f} 至 {high:+.4f}, 单侧 p = {p:.3g}); 结果保存在 {folder}",
        "en": "{game}: on the holdout, issues {first} to {last} ({n} draws), the LSTM's lift over uniform is "
        "{lift:+.4f} bits/draw (95% CI {low:+.4f} to {high:+.4f}, one-sided p = {p:.3g}); results in {folder}",
    },
    "tune.dashboard": {
        "zh": "用 Optuna 仪表盘查看该研究: optuna-dashboard {storage}",
        "en": "open the study in Optuna's dashboard: optuna-dashboard {storage}",
    },
    # Randomness audit (lotto_lab.evaluation.audit_cli).
    "audit.header": {
        "zh": "{title} 随机性审计: 第 {first} 期至第 {last} 期, 共 {n_draws} 期; 进行 {n_tests} 项检验, "
        "Benjamini-Hochberg 校正后显著 {n_significant} 项",
        "en": "{title} randomness audit: issues {first} to {last}, {n_draws} draws; {n_tests} tests run, "
        "{n_significant} significant after Benjamini-Hochberg correction",
    },
    "audit.columns": {
        "zh": "检验       号码区 时期                  统计量       p BH校正p",
        "en": "test       pool   era                statistic       p    p_bh",
    },
    "audit.full_history": {"zh": "全部", "en": "all"},
    "audit.significant": {"zh": "显著", "en": "significant"},
    # Figures of the evaluation and the audit (lotto_lab.evaluation.plots).
    "plot.calibration_title": {
        "zh": "校准: 预测概率与实际出现比例",
        "en": "Calibration: forecast probability against observed share",
    },
    "plot.calibrated": {"zh": "完全校准", "en": "perfectly calibrated"},
    "plot.mean_forecast": {"zh": "平均预测概率", "en": "mean forecast probability"},
    "plot.observed_share": {"zh": "实际开出比例", "en": "share drawn"},
    "plot.lift_title": {
        "zh": "对数损失提升(相对均匀基准, 95% 区间)",
        "en": "Log-loss lift over uniform (95% interval)",
    },
    "plot.lift_axis": {"zh": "比特/期", "en": "bits per draw"},
    "plot.strategy": {"zh": "策略", "en": "strategy"},
    "plot.uniform": {"zh": "均匀基准", "en": "uniform"},
    "plot.audit_title": {
        "zh": "随机性审计: 各检验的 -log10(p)",
        "en": "Randomness audit: -log10(p) of each test",
    },
    "plot.frequency_title": {
        "zh": "各号码出现次数与公平抽取的期望(灰带为 95% 范围)",
        "en": "Count of each number against its expected count (grey band: 95% range)",
    },
    "plot.number": {"zh": "号码", "en": "number"},
    "plot.count": {"zh": "出现次数", "en": "count"},
    "plot.expected": {"zh": "期望 {value:.1f}", "en": "expected {value:.1f}"},
}


def get_language(value: str | None = None) -> str:
    """Return the language code to use: ``value``, else ``LOTTO_LAB_LANG``, else ``'zh'``."""
    language = (value or os.environ.get(LANGUAGE_ENV) or "zh").strip().lower()
    if language.startswith("zh"):
        return "zh"
    if language.startswith("en"):
        return "en"
    log.warning("unknown language %r: using Chinese; choose zh or en", language)
    return "zh"


def text(key: str, language: str | None = None, **fields: object) -> str:
    """Return the message ``key`` in ``language``, formatted with ``fields``."""
    templates = MESSAGES[key]
    template = templates.get(get_language(language)) or templates["en"]
    return template.format(**fields)
