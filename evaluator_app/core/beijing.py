"""Times as people read them: Beijing time, one format, everywhere (screens, PDFs, messages).

Venues and clients keep and exchange UTC (ISO 8601 with ``Z``); every time shown to a person
goes through :func:`beijing_time`, so that a receipt, an event and a signature read alike.
"""

from __future__ import annotations

import datetime as dt

BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # for an unreadable time stamp


def parse_time(value: str | dt.datetime) -> dt.datetime:
    """An aware datetime from ISO text (``Z`` allowed); naive means UTC; unreadable: 2000-01-01."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return EPOCH
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def beijing_time(
    value: str | dt.datetime, language: str = "zh_CN", *, seconds: bool = True, label: bool = True
) -> str:
    """'2026-11-26 22:30:05（北京时间）' ('… (Beijing time)' in English); without the label for
    a column already headed 北京时间, without seconds where minutes are what counts."""
    moment = parse_time(value).astimezone(BEIJING)
    text = moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    if not label:
        return text
    return text + (" (Beijing time)" if language == "en" else "（北京时间）")


def beijing_clock(value: str | dt.datetime) -> str:
    """'22:30:05': the time of day alone, for today's lists (alerts, events)."""
    return parse_time(value).astimezone(BEIJING).strftime("%H:%M:%S")


def beijing_date(value: str | dt.datetime, language: str = "zh_CN") -> str:
    moment = parse_time(value).astimezone(BEIJING)
    if language == "en":
        return moment.strftime("%Y-%m-%d")
    return f"{moment.year}年{moment.month}月{moment.day}日"
