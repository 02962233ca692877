"""Game specs: issue normalisation, rollover, prize rules by issue range."""

from __future__ import annotations

import datetime as dt

import pytest

from lotto_lab.errors import InvalidIssueError, UnknownGameError
from lotto_lab.games import DLT, GAMES, SSQ, get_game


@pytest.mark.parametrize(
    ("game", "raw", "expected"),
    [
        (SSQ, "03001", 2003001),
        (SSQ, "26096", 2026096),
        (SSQ, "2026096", 2026096),
        (SSQ, 2026096, 2026096),
        (SSQ, " 26096 ", 2026096),
        (SSQ, 3001, 2003001),
        (SSQ, "3001.0", 2003001),
        (DLT, "07001", 2007001),
        (DLT, "26095", 2026095),
        (DLT, 7001, 2007001),
    ],
)
def test_normalise_issue_forms(game, raw, expected):
    assert game.normalise_issue(raw) == expected


@pytest.mark.parametrize("raw", ["", "abc", "202609", "2026000", "26-096", "20260961", "1999001"])
def test_normalise_issue_rejects(raw):
    with pytest.raises(InvalidIssueError, match="SSQ issue"):
        SSQ.normalise_issue(raw)


def test_format_issue_usual_form():
    assert SSQ.format_issue(2026096) == "2026096"
    assert DLT.format_issue(2026095) == "26095"
    assert DLT.format_issue(2007001) == "07001"


def test_year_rollover_is_not_a_gap():
    assert SSQ.is_consecutive(2025151, 2026001)
    assert SSQ.is_consecutive(2026095, 2026096)
    assert not SSQ.is_consecutive(2026094, 2026096)
    assert not SSQ.is_consecutive(2025151, 2027001)


def test_next_issue_same_year():
    issue, date = SSQ.next_issue(2026096, dt.date(2026, 8, 20))  # a Thursday
    assert issue == 2026097
    assert date == dt.date(2026, 8, 23)  # the Sunday after
    assert date.weekday() in SSQ.draw_weekdays


def test_next_issue_rolls_over_year():
    issue, date = DLT.next_issue(2025150, dt.date(2025, 12, 31))  # a Wednesday
    assert issue == 2026001
    assert date == dt.date(2026, 1, 3)


def test_ssq_rule_versions_by_issue():
    assert SSQ.rule_for(2003001).version == "ssq-2003"
    assert SSQ.rule_for(2026013).version == "ssq-2003"
    assert SSQ.rule_for(2026014).version == "ssq-2026-fuyun"
    assert SSQ.rule_for(2026075).version == "ssq-2026-fuyun"
    assert SSQ.rule_for(2026076).version == "ssq-2026"


def test_ssq_tiers_by_match():
    rule = SSQ.rule_for(2020001)
    assert rule.tier_for((6, 1)).tier == 1
    assert rule.tier_for((6, 0)).tier == 2
    assert rule.tier_for((4, 1)).prize == 200
    assert rule.tier_for((0, 1)).prize == 5
    assert rule.tier_for((3, 0)) is None
    assert SSQ.rule_for(2026020).tier_for((3, 0)).name == "福运奖"


def test_dlt_rule_versions_and_tiers():
    assert not DLT.rule_for(2010001).verified
    assert DLT.rule_for(2016001).tier_for((5, 0)).floating
    assert DLT.rule_for(2020001).tier_for((5, 0)).prize == 10000
    tier = DLT.rule_for(2026014).tier_for((4, 2))
    assert tier.prize == 5000
    assert tier.high_pool_prize == 6666


def test_every_match_has_at_most_one_tier():
    for game in GAMES.values():
        for rule in game.prize_rules:
            matches = [m for tier in rule.tiers for m in tier.matches]
            assert len(matches) == len(set(matches)), rule.version


def test_rules_cover_issues_without_overlap():
    for game in GAMES.values():
        rules = game.prize_rules
        for before, after in zip(rules, rules[1:], strict=False):
            assert after.first_issue > before.last_issue


def test_get_game_unknown():
    with pytest.raises(UnknownGameError, match="unknown game 'kl9': choose one of dlt, ssq"):
        get_game("kl9")
    assert get_game("SSQ") is SSQ


def test_number_columns():
    assert SSQ.number_columns == ("red_1", "red_2", "red_3", "red_4", "red_5", "red_6", "blue_1")
    assert DLT.number_columns[-2:] == ("back_1", "back_2")
