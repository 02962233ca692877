"""Vectorised parsing of the cell values the sources write: issues, dates, balls, money, counts.

Each function takes a Series of raw values (text, numbers or ``None``) and returns the parsed
Series together with a boolean mask of the values it could not parse, so the caller can name the
first bad row. Missing-value markers (empty, ``--``, ``---``) parse to NA and are not invalid.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = [
    "as_text",
    "date_parts",
    "first_true",
    "missing_mask",
    "parse_amounts",
    "parse_counts",
    "parse_dates",
    "parse_issues",
    "parse_whole_numbers",
]

_MISSING_MARKERS = ("", "-", "--", "---", "nan", "none", "null")

# Digits with optional thousands commas and decimals, then an optional note in ASCII or
# full-width brackets (5250000（含加奖250000）), then an optional 元.
_AMOUNT = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?[ \t]*(?:[(（][^()（）]*[)）])?[ \t]*元?"
_AMOUNT_SUFFIX = r"[ \t]*(?:[(（][^()（）]*[)）])?[ \t]*元?$"
_COUNT = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.0+)?"

# Accepted dates: 2026-08-20, 2026/8/20, 2026.08.20, 2026年8月20日, each optionally followed by a
# weekday in brackets (2026-07-09(四)) and a time of day; and 20260820. They are rewritten to
# YYYY-M-D and parsed with one format.
# The patterns spell out [0-9] and [ \t] rather than \d and \s so that pandas runs them in
# pyarrow (RE2) instead of calling Python's re once per value.
_DATE = (
    r"[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?"
    r"[ \t]*(?:[(（][^()（）]*[)）])?"
    r"[ \t]*(?:T?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
    r"|[0-9]{8}"
)

# The common subset of _DATE: a zero-padded day, then at most a note in brackets.
_DAY_FIRST = r"[0-9]{4}[-/.][0-9]{2}[-/.][0-9]{2}(?:[(（][^()（）]*[)）])?"


def as_text(values: pd.Series | np.ndarray) -> pd.Series:
    """Return the values as stripped strings; ``None`` and NaN become the empty string."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        return values.fillna("").str.strip()
    objects = pd.Series(values, dtype=object)
    objects = objects.where(objects.notna(), "")
    return objects.astype(str).str.strip()


def missing_mask(text: pd.Series) -> pd.Series:
    """Return True where a stripped string is a missing-value marker."""
    return text.str.lower().isin(_MISSING_MARKERS)


def _to_float(text: pd.Series) -> pd.Series:
    """Convert strings already checked to be plain numbers (or NA) to float64.

    A cast, unlike ``pd.to_numeric``, stays inside pyarrow for the string dtype of pandas 3.
    """
    return text.astype("float64")


def _is_integer_array(values: pd.Series | np.ndarray) -> bool:
    return np.asarray(values).dtype.kind in "iu"


def parse_issues(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse issues into canonical ``YYYYNNN`` integers (Int64).

    Accepts what :meth:`lotto_lab.games.GameSpec.normalise_issue` accepts: 7 digits, or 5 digits
    read as 20YY (4 when a spreadsheet dropped the leading zero), optionally written ``26096.0``.
    """
    text = as_text(values)
    digits = text.str.fullmatch(r"(?:[0-9]{4,5}|[0-9]{7})(?:\.0)?").to_numpy(dtype=bool)
    numbers = _to_float(text.where(digits)).to_numpy(dtype=np.float64)
    # NaN (not digits) stays NaN through the arithmetic and fails every comparison.
    with np.errstate(invalid="ignore"):
        canonical = np.where(numbers >= 1_000_000, numbers, numbers + 2_000_000)
        year, number = canonical // 1000, canonical % 1000
        valid = digits & (year >= 2000) & (year <= 2099) & (number >= 1) & (number <= 999)
    whole = np.where(valid, canonical, 0).astype(np.int64)
    issues = pd.Series(pd.arrays.IntegerArray(whole, ~valid), index=text.index)
    return issues, pd.Series(~valid, index=text.index)


def parse_whole_numbers(values: pd.Series | np.ndarray) -> tuple[pd.Series, pd.Series]:
    """Parse whole numbers (``7``, ``07``, ``7.0``) into Int64; blank values are NA, not invalid."""
    if _is_integer_array(values):
        numbers = pd.Series(np.asarray(values, dtype=np.int64)).astype("Int64")
        return numbers, pd.Series(False, index=numbers.index)
    text = as_text(values)
    ok = text.str.fullmatch(r"[0-9]{1,9}(?:\.0+)?")
    numbers = _to_float(text.where(ok)).astype("Int64")
    return numbers, ~(ok | (text == ""))


def _parse_split(
    text: pd.Series, parse: Callable[[pd.Series], tuple[pd.Series, pd.Series]]
) -> tuple[pd.Series, pd.Series]:
    """Convert plain digit strings directly and hand the other values to ``parse``.

    Returns float64 values (NaN when missing) and the invalid mask. ``parse`` works value by
    value, so running it on the values that are not plain digits alone gives the same result
    as running it on all of them, with less pattern matching.
    """
    plain = text.str.fullmatch(r"[0-9]+").to_numpy(dtype=bool)
    floats = _to_float(text.where(plain))
    invalid = pd.Series(False, index=text.index)
    if not plain.all():
        others = ~plain
        other_floats, other_invalid = parse(text[others])
        floats[others] = other_floats.to_numpy()
        invalid[others] = other_invalid.to_numpy(dtype=bool)
    return floats, invalid


def _invalid(text: pd.Series, ok: pd.Series) -> pd.Series:
    """Mark the values that neither parsed nor are a missing-value marker."""
    if ok.all():
        return ~ok
    return ~(ok | missing_mask(text))


def _amount_floats(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    ok = text.str.fullmatch(_AMOUNT)
    digits = text.where(ok)
    # Only an amount with a note or 元 after it has a character besides digits, commas and the
    # decimal point, so the costly suffix pattern runs only when one is present.
    if digits.str.contains(r"[^0-9,.]", regex=True).any():
        digits = digits.str.replace(_AMOUNT_SUFFIX, "", regex=True)
    return _to_float(digits.str.replace(",", "", regex=False)), _invalid(text, ok)


def _count_floats(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    ok = text.str.fullmatch(_COUNT)
    digits = text.where(ok).str.replace(",", "", regex=False)
    return _to_float(digits), _invalid(text, ok)


def parse_amounts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse money in yuan (float64, NaN when missing).

    Accepts ``355852948``, ``"355,852,948"``, ``"832,704,685.87"``, numbers, and amounts followed
    by a note, of which only the leading amount is kept: ``"5250000（含加奖250000）"`` is 5250000.
    """
    return _parse_split(as_text(values), _amount_floats)


def parse_counts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse winner counts (Int64, NA when missing); thousands commas are allowed."""
    floats, invalid = _parse_split(as_text(values), _count_floats)
    return floats.astype("Int64"), invalid


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse draw dates; a value that is not a calendar date (2026-02-30) is invalid.

    Returns a ``datetime64`` Series (NaT where invalid) and the invalid mask. Blank values are
    invalid too, because every draw has a date.
    """
    text = as_text(values)
    # Dates written YYYY-MM-DD (or with / or . between), optionally followed by a weekday in
    # brackets, are most files' only form: their first ten characters need one replacement.
    if len(text) and text.str.fullmatch(_DAY_FIRST).all():
        plain = text.str.slice(0, 10).str.replace(r"[/.]", "-", regex=True)
        dates = pd.to_datetime(plain, format="%Y-%m-%d", errors="coerce")
        return dates, dates.isna()

    ok = text.str.fullmatch(_DATE)
    plain = (
        text.where(ok)
        .str.replace(r"^([0-9]{4})([0-9]{2})([0-9]{2})$", r"\1-\2-\3", regex=True)
        .str.replace(
            r"日?[ \t]*(?:[(（][^()（）]*[)）])?[ \t]*(?:T?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$",
            "",
            regex=True,
        )
        .str.replace(r"[/.年月]", "-", regex=True)
    )
    dates = pd.to_datetime(plain, format="%Y-%m-%d", errors="coerce")
    return dates, dates.isna()


def date_parts(value: str) -> tuple[int, int, int] | None:
    """Return the year, month and day written in ``value``, or None when it is in no accepted form.

    The numbers are returned as written, so ``"2026-02-30"`` gives ``(2026, 2, 30)``. A caller can
    then distinguish a date the calendar lacks from a value that is not written as a date at all.
    """
    text = value.strip()
    if re.fullmatch(_DATE, text) is None:
        return None
    if re.fullmatch(r"[0-9]{8}", text):
        return int(text[:4]), int(text[4:6]), int(text[6:8])
    year, month, day = re.match(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})", text).groups()
    return int(year), int(month), int(day)


def first_true(mask: pd.Series | np.ndarray) -> int | None:
    """Return the position of the first True in ``mask``, or None when there is none."""
    array = np.asarray(mask, dtype=bool)
    positions = np.flatnonzero(array)
    return int(positions[0]) if len(positions) else None
