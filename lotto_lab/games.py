"""Games as data: pools, draw days, issue formats and prize rules versioned by issue range.

A game is a :class:`GameSpec`. Code outside this module never branches on a game's name; it reads
the spec. Adding a pick-k-of-n game means adding a spec to :data:`GAMES`.

Issues are stored in one canonical, sortable integer form ``YYYYNNN`` (2026096 is the 96th draw
of 2026) whatever a source writes (``26096``, ``03001``, ``2026096``), and shown in each game's
usual form: 7 digits for SSQ, 5 digits for DLT.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from lotto_lab.errors import InvalidIssueError, UnknownGameError

__all__ = [
    "GAMES",
    "GameSpec",
    "Pool",
    "PrizeRule",
    "PrizeTier",
    "get_game",
]


@dataclass(frozen=True)
class Pool:
    """One ball pool of a game: ``pick`` distinct numbers drawn from ``1..size``."""

    name: str
    size: int
    pick: int
    label_zh: str
    label_en: str

    def __post_init__(self) -> None:
        if not 0 < self.pick <= self.size:
            raise ValueError(
                f"pool {self.name!r}: pick must be between 1 and size ({self.size}), got {self.pick}"
            )

    @property
    def numbers(self) -> range:
        """The numbers a ball of this pool can carry."""
        return range(1, self.size + 1)


@dataclass(frozen=True)
class PrizeTier:
    """One prize tier: the match counts that win it and the prize per basic bet.

    ``matches`` lists tuples of hits per pool, in the game's pool order: ``((5, 0), (4, 1))`` means
    five reds and no blue, or four reds and one blue. ``prize`` is the fixed prize in yuan, or
    ``None`` for a floating tier whose amount is set per draw from that draw's sales.
    ``high_pool_prize`` is the fixed prize paid instead when the pool before the draw is at least
    ``high_pool_threshold`` yuan (DLT from 26014).
    """

    tier: int
    name: str
    matches: tuple[tuple[int, ...], ...]
    prize: int | None
    high_pool_prize: int | None = None
    high_pool_threshold: int | None = None

    @property
    def floating(self) -> bool:
        """True when the prize is set per draw rather than fixed by the rules."""
        return self.prize is None


@dataclass(frozen=True)
class PrizeRule:
    """The prize tiers in force for an issue range (both ends inclusive, ``None`` is open)."""

    version: str
    first_issue: int
    last_issue: int | None
    tiers: tuple[PrizeTier, ...]
    verified: bool
    source: str
    note: str = ""

    def covers(self, issue: int) -> bool:
        """Return True when ``issue`` (canonical form) falls in this rule's range."""
        return issue >= self.first_issue and (self.last_issue is None or issue <= self.last_issue)

    def tier_for(self, hits: tuple[int, ...]) -> PrizeTier | None:
        """Return the tier won by a ticket with ``hits`` per pool, or ``None`` when it wins nothing."""
        for tier in self.tiers:
            if hits in tier.matches:
                return tier
        return None


@dataclass(frozen=True)
class GameSpec:
    """Everything the workbench needs to know about one game."""

    name: str
    title_zh: str
    title_en: str
    pools: tuple[Pool, ...]
    draw_weekdays: tuple[int, ...]  # Monday is 0, as in datetime.date.weekday()
    issue_display_digits: int  # 7 shows 2026096, 5 shows 26095
    ticket_price: int  # yuan per basic bet
    prize_rules: tuple[PrizeRule, ...] = field(default=())
    first_issue: int | None = None  # canonical issue of the game's first draw, when known

    @property
    def pool_names(self) -> tuple[str, ...]:
        """The pool names in the game's order."""
        return tuple(pool.name for pool in self.pools)

    def pool(self, name: str) -> Pool:
        """Return the pool called ``name``; raise KeyError naming the valid pools otherwise."""
        for pool in self.pools:
            if pool.name == name:
                return pool
        raise KeyError(f"game {self.name!r} has no pool {name!r}; its pools are {self.pool_names}")

    @property
    def number_columns(self) -> tuple[str, ...]:
        """Column names of the wide draw layout: ``red_1 .. red_6, blue_1`` for SSQ."""
        return tuple(f"{pool.name}_{position}" for pool in self.pools for position in range(1, pool.pick + 1))

    # -- issues ------------------------------------------------------------------------------

    def normalise_issue(self, raw: object) -> int:
        """Return the canonical ``YYYYNNN`` integer for an issue written in any accepted form.

        Accepted: 7 digits (``2026096``), 5 digits (``26096``, read as 20YY), either as text or
        as an integer; surrounding whitespace is ignored. A 5-digit integer that lost its leading
        zero (``3001`` for ``03001``) is accepted too, because spreadsheets drop it.
        """
        text = str(raw).strip()
        if re.fullmatch(r"\d+\.0", text):  # pandas reads an integer column with gaps as float
            text = text[:-2]
        if not re.fullmatch(r"\d{4,7}", text):
            raise InvalidIssueError(
                f"{self.name.upper()} issue {raw!r} is not an issue number: expected 7 digits "
                f"YYYYNNN (2026096) or 5 digits YYNNN (26096)"
            )
        if len(text) in (4, 5):
            text = "20" + text.zfill(5)
        elif len(text) == 6:
            raise InvalidIssueError(
                f"{self.name.upper()} issue {raw!r} has 6 digits: expected 7 digits YYYYNNN or 5 digits YYNNN"
            )
        year, number = int(text[:4]), int(text[4:])
        if not 2000 <= year <= 2099 or not 1 <= number <= 999:
            raise InvalidIssueError(
                f"{self.name.upper()} issue {raw!r} is out of range: the year must be 2000-2099 "
                f"and the draw number 001-999"
            )
        return year * 1000 + number

    def format_issue(self, issue: int) -> str:
        """Return an issue in the game's usual written form (``2026096`` or ``26095``)."""
        text = f"{int(issue):07d}"
        return text[-self.issue_display_digits :]

    def next_issue(self, last_issue: int, last_date: dt.date) -> tuple[int, dt.date]:
        """Return the issue and the scheduled date of the draw after ``last_issue``.

        The date is the next draw weekday after ``last_date``. Numbering restarts at 001 when that
        date falls in a new year. NOTE: holiday breaks (Spring Festival) are not known here, so
        the date can be early; the issue number is right either way.
        """
        date = last_date + dt.timedelta(days=1)
        while date.weekday() not in self.draw_weekdays:
            date += dt.timedelta(days=1)
        year = last_issue // 1000
        if date.year > year:
            return date.year * 1000 + 1, date
        return last_issue + 1, date

    def is_consecutive(self, previous: int, current: int) -> bool:
        """Return True when ``current`` directly follows ``previous``; a year rollover is not a gap."""
        if current == previous + 1:
            return True
        return current // 1000 == previous // 1000 + 1 and current % 1000 == 1

    # -- prize rules -------------------------------------------------------------------------

    def rule_for(self, issue: int) -> PrizeRule:
        """Return the prize rule in force for ``issue`` (canonical form)."""
        for rule in self.prize_rules:
            if rule.covers(issue):
                return rule
        raise InvalidIssueError(
            f"no {self.name.upper()} prize rule covers issue {self.format_issue(issue)}; "
            f"the rules cover {self.prize_rules[0].first_issue} onwards"
        )


# --------------------------------------------------------------------------------------------
# SSQ (双色球): 6 of 1-33 red plus 1 of 1-16 blue, 2 yuan a bet.

_SSQ_TIERS = (
    PrizeTier(1, "一等奖", ((6, 1),), None),
    PrizeTier(2, "二等奖", ((6, 0),), None),
    PrizeTier(3, "三等奖", ((5, 1),), 3000),
    PrizeTier(4, "四等奖", ((5, 0), (4, 1)), 200),
    PrizeTier(5, "五等奖", ((4, 0), (3, 1)), 10),
    PrizeTier(6, "六等奖", ((2, 1), (1, 1), (0, 1)), 5),
)
_SSQ_FUYUN = PrizeTier(7, "福运奖", ((3, 0),), 5)
_SSQ_SOURCE = (
    "tier structure: Sogou lottery help page (ssq-award); fixed amounts 3000/200/10/5 confirmed in "
    "every draw of the zhcw data 2005-2017 and the cwl data 2013-2026"
)

SSQ = GameSpec(
    name="ssq",
    title_zh="双色球",
    title_en="Double Colour Ball (SSQ)",
    pools=(Pool("red", 33, 6, "红球", "red"), Pool("blue", 16, 1, "蓝球", "blue")),
    draw_weekdays=(1, 3, 6),  # Tue, Thu, Sun; 2003 to 2004066 drew on Thu and Sun only
    issue_display_digits=7,
    ticket_price=2,
    first_issue=2003001,
    prize_rules=(
        PrizeRule(
            version="ssq-2003",
            first_issue=2003001,
            last_issue=2026013,
            tiers=_SSQ_TIERS,
            verified=True,
            source=_SSQ_SOURCE,
            note=(
                "Fixed amounts are confirmed by draw data from 2005 only; 2003-2004 are assumed "
                "to follow the same table. Autumn promotions (2016-2024) added 一等奖特别奖 and a "
                "doubled sixth prize for multi-bets, which a basic bet does not receive."
            ),
        ),
        PrizeRule(
            version="ssq-2026-fuyun",
            first_issue=2026014,
            last_issue=2026075,
            tiers=(*_SSQ_TIERS, _SSQ_FUYUN),
            verified=True,
            source=(
                "third-party summary LOTTERY_RULES_2026.md citing cwl.gov.cn; 福运奖 (3+0, 5 yuan) "
                "confirmed in the cwl data from 2026014 to 2026075"
            ),
            note=(
                "福运奖 starts when the pool reaches 1.5 billion yuan and stops after a draw leaves "
                "it under 300 million; the per-draw caps (100 million tier 1, 70 million tier 2) "
                "come from one third-party document."
            ),
        ),
        PrizeRule(
            version="ssq-2026",
            first_issue=2026076,
            last_issue=None,
            tiers=_SSQ_TIERS,
            verified=False,
            source="third-party summary LOTTERY_RULES_2026.md citing cwl.gov.cn",
            note=(
                "The pool after 2026075 was 283,183,968 yuan, under the 300 million stop level, so "
                "福运奖 is off from 2026076. NOTE: it returns if the pool reaches 1.5 billion again; "
                "this table does not model that trigger."
            ),
        ),
    ),
)

# --------------------------------------------------------------------------------------------
# DLT (大乐透): 5 of 1-35 front plus 2 of 1-12 back, 2 yuan a bet (3 with the 追加 add-on).
# Prizes below are for a basic bet without 追加.

_DLT_2007 = (
    PrizeTier(1, "一等奖", ((5, 2),), None),
    PrizeTier(2, "二等奖", ((5, 1),), None),
    PrizeTier(3, "三等奖", ((5, 0),), None),
    PrizeTier(4, "四等奖", ((4, 2),), 3000),
    PrizeTier(5, "五等奖", ((4, 1),), 600),
    PrizeTier(6, "六等奖", ((4, 0), (3, 2)), 100),
    PrizeTier(7, "七等奖", ((3, 1), (2, 2)), 10),
    PrizeTier(8, "八等奖", ((3, 0), (2, 1), (1, 2), (0, 2)), 5),
)
_DLT_2014 = (
    PrizeTier(1, "一等奖", ((5, 2),), None),
    PrizeTier(2, "二等奖", ((5, 1),), None),
    PrizeTier(3, "三等奖", ((5, 0), (4, 2)), None),
    PrizeTier(4, "四等奖", ((4, 1), (3, 2)), 200),
    PrizeTier(5, "五等奖", ((4, 0), (3, 1), (2, 2)), 10),
    PrizeTier(6, "六等奖", ((3, 0), (2, 1), (1, 2), (0, 2)), 5),
)
_DLT_2019 = (
    PrizeTier(1, "一等奖", ((5, 2),), None),
    PrizeTier(2, "二等奖", ((5, 1),), None),
    PrizeTier(3, "三等奖", ((5, 0),), 10000),
    PrizeTier(4, "四等奖", ((4, 2),), 3000),
    PrizeTier(5, "五等奖", ((4, 1),), 300),
    PrizeTier(6, "六等奖", ((3, 2),), 200),
    PrizeTier(7, "七等奖", ((4, 0),), 100),
    PrizeTier(8, "八等奖", ((3, 1), (2, 2)), 15),
    PrizeTier(9, "九等奖", ((3, 0), (1, 2), (2, 1), (0, 2)), 5),
)
_DLT_HIGH_POOL = 800_000_000
_DLT_2026 = (
    PrizeTier(1, "一等奖", ((5, 2),), None),
    PrizeTier(2, "二等奖", ((5, 1),), None),
    PrizeTier(3, "三等奖", ((5, 0), (4, 2)), 5000, 6666, _DLT_HIGH_POOL),
    PrizeTier(4, "四等奖", ((4, 1),), 300, 380, _DLT_HIGH_POOL),
    PrizeTier(5, "五等奖", ((4, 0), (3, 2)), 150, 200, _DLT_HIGH_POOL),
    PrizeTier(6, "六等奖", ((3, 1), (2, 2)), 15, 18, _DLT_HIGH_POOL),
    PrizeTier(7, "七等奖", ((3, 0), (2, 1), (1, 2), (0, 2)), 5, 7, _DLT_HIGH_POOL),
)

DLT = GameSpec(
    name="dlt",
    title_zh="超级大乐透",
    title_en="Super Lotto (DLT)",
    pools=(Pool("front", 35, 5, "前区", "front"), Pool("back", 12, 2, "后区", "back")),
    draw_weekdays=(0, 2, 5),  # Mon, Wed, Sat
    issue_display_digits=5,
    ticket_price=2,
    first_issue=2007001,
    prize_rules=(
        PrizeRule(
            version="dlt-2007",
            first_issue=2007001,
            last_issue=2013999,
            tiers=_DLT_2007,
            verified=False,
            source="recalled, no written source found",
            note=(
                "UNVERIFIED: the fixed amounts are recalled, not sourced, and the issue where the "
                "2014 rules took over is not known (the first issue of 2014 is assumed)."
            ),
        ),
        PrizeRule(
            version="dlt-2014",
            first_issue=2014001,
            last_issue=2018999,
            tiers=_DLT_2014,
            verified=True,
            source=(
                "cnceo/166cai play_dlt help page; azenusgogo/S-lottery-neo dlt-award; "
                "yjyszzr/base LottoCommon v1"
            ),
            note=(
                "The tier table is sourced, but the issues where it started and ended are not: "
                "the first issues of 2014 and 2019 are assumed."
            ),
        ),
        PrizeRule(
            version="dlt-2019",
            first_issue=2019001,
            last_issue=2026013,
            tiers=_DLT_2019,
            verified=True,
            source=(
                "PRIZE_LEVELS tables of public calculators citing lottery.gov.cn; yjyszzr/base LottoCommon v2"
            ),
            note="The issue where this table started is not sourced: the first issue of 2019 is assumed.",
        ),
        PrizeRule(
            version="dlt-2026",
            first_issue=2026014,
            last_issue=None,
            tiers=_DLT_2026,
            verified=True,
            source=(
                "third-party summary LOTTERY_RULES_2026.md; tier 3 and its 5,000 yuan confirmed by "
                "wenjinliuu/lottery-data-repo DATA_SCHEMA.md"
            ),
            note=(
                "Sales for 26014 opened 2026-01-31. Higher fixed prizes apply when the pool is "
                "800 million or more."
            ),
        ),
    ),
)

GAMES: dict[str, GameSpec] = {SSQ.name: SSQ, DLT.name: DLT}


def get_game(name: str | GameSpec) -> GameSpec:
    """Return the spec of a game by name (case-insensitive); raise :class:`UnknownGameError` otherwise."""
    if isinstance(name, GameSpec):
        return name
    key = str(name).strip().lower()
    if key not in GAMES:
        raise UnknownGameError(f"unknown game {name!r}: choose one of {', '.join(sorted(GAMES))}")
    return GAMES[key]
