"""Dates in Japanese news sentences, normalised against the publication date."""

from __future__ import annotations

import datetime as dt
import re

_DATE = re.compile(
    r"(?:(?P<rel>昨年|去年|今年|来年)|(?P<year>(?:19|20)\d{2})年)?"
    r"(?:(?P<month>1[0-2]|0?[1-9])月|(?P<relm>先月|今月|来月))?"
    r"(?:(?P<day>3[01]|[12]\d|0?[1-9])日)?"
)
_REL_YEAR = {"昨年": -1, "去年": -1, "今年": 0, "来年": 1}
_REL_MONTH = {"先月": -1, "今月": 0, "来月": 1}


def normalize_date(
    sentence: str, published: dt.date | None, before: int | None = None, forward: bool = False
) -> str | None:
    """The event date a sentence states, as ``YYYY-MM-DD`` or ``YYYY-MM``.

    Relative forms (19日, 6月, 昨年6月) are read against ``published``; a day after the
    publication day falls in the previous month, a month after it in the previous year
    (``forward``, for a scheduled event: a day before it falls in the next month, a month
    before it in the next year).  The date nearest before position ``before`` wins, else
    the first one.

    >>> d = dt.date(2024, 6, 20)
    >>> normalize_date("プーチン大統領は19日、会談した。", d)
    '2024-06-19'
    >>> normalize_date("昨年6月の条約締結", dt.date(2025, 1, 5))
    '2024-06'
    >>> normalize_date("2024年6月に署名した。", None)
    '2024-06'
    >>> normalize_date("24年ぶりの訪朝", d) is None
    True
    >>> normalize_date("岸田首相は先月、訪米した。", dt.date(2024, 1, 10))
    '2023-12'
    >>> normalize_date("先月29日に署名した。", dt.date(2024, 3, 5))
    '2024-02-29'
    >>> normalize_date("来月10日に訪れる", dt.date(2024, 12, 20), forward=True)
    '2025-01-10'
    >>> normalize_date("26日から訪問する。", d, forward=True)
    '2024-06-26'
    >>> normalize_date("3日に訪れる", d, forward=True)
    '2024-07-03'
    """
    best = None
    for match in _DATE.finditer(sentence):
        value = _resolve(match, published, forward)
        if value is None:
            continue
        if best is None or (before is not None and match.start() <= before):
            best = value
    return best


def _resolve(match: re.Match[str], published: dt.date | None, forward: bool) -> str | None:
    rel, year, month, day = (match.group(k) for k in ("rel", "year", "month", "day"))
    if match.group("relm"):  # 先月, 今月, 来月 (with or without a day)
        if published is None:
            return None
        months = published.year * 12 + published.month - 1 + _REL_MONTH[match.group("relm")]
        y, m = divmod(months, 12)
        return _iso(y, m + 1, int(day)) if day else f"{y:04d}-{m + 1:02d}"
    if not month and not day:
        return None
    if day and not month and not year and not rel:
        if published is None:
            return None
        y, m = published.year, published.month
        if not forward and int(day) > published.day:
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        elif forward and int(day) < published.day:
            y, m = (y, m + 1) if m < 12 else (y + 1, 1)
        return _iso(y, m, int(day))
    if not month:
        return None
    if year:
        y = int(year)
    elif published is None:
        return None
    elif rel:
        y = published.year + _REL_YEAR[rel]
    elif forward:
        y = published.year + (1 if int(month) < published.month else 0)
    else:
        y = published.year - (1 if int(month) > published.month else 0)
    return _iso(y, int(month), int(day)) if day else f"{y:04d}-{int(month):02d}"


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
