"""User-facing text in Chinese (the default) and English.

Code, logs and docstrings stay English; what a user reads on the command line or the dashboard
comes from :data:`MESSAGES`. The language is chosen by ``--lang``, then ``LOTTO_LAB_LANG``, then
Chinese.
"""

from __future__ import annotations

import os

from lotto_lab.config import LANGUAGE_ENV

__all__ = ["LANGUAGES", "MESSAGES", "get_language", "text"]

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
}


def get_language(value: str | None = None) -> str:
    """Return the language code to use: ``value``, else ``LOTTO_LAB_LANG``, else ``'zh'``."""
    language = (value or os.environ.get(LANGUAGE_ENV) or "zh").strip().lower()
    if language.startswith("zh"):
        return "zh"
    if language.startswith("en"):
        return "en"
    return "zh"


def text(key: str, language: str | None = None, **fields: object) -> str:
    """Return the message ``key`` in ``language``, formatted with ``fields``."""
    templates = MESSAGES[key]
    template = templates.get(get_language(language)) or templates["en"]
    return template.format(**fields)
