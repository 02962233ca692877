"""Language choice and message lookup."""

from __future__ import annotations

import logging

from lotto_lab.i18n import MESSAGES, get_language, text


def test_language_defaults_to_chinese(monkeypatch):
    monkeypatch.delenv("LOTTO_LAB_LANG", raising=False)
    assert get_language() == "zh"
    assert get_language("en") == "en"
    assert get_language("zh-CN") == "zh"


def test_language_from_environment(monkeypatch):
    monkeypatch.setenv("LOTTO_LAB_LANG", "en_US.UTF-8")
    assert get_language() == "en"


def test_unknown_language_warns(monkeypatch, caplog):
    monkeypatch.setenv("LOTTO_LAB_LANG", "fr")
    with caplog.at_level(logging.WARNING, logger="lotto_lab.i18n"):
        assert get_language() == "zh"
    assert caplog.messages == ["unknown language 'fr': using Chinese; choose zh or en"]


def test_every_message_has_both_languages():
    for key, templates in MESSAGES.items():
        assert set(templates) == {"zh", "en"}, key


def test_text_formats_fields():
    assert (
        text("serve.url", "en", url="http://127.0.0.1:5006/app") == "dashboard at http://127.0.0.1:5006/app"
    )
