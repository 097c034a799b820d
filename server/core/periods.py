"""Calendar periods in Europe/Amsterdam time, the owners' clock; stored times are naive UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Amsterdam")
INTERVALS = ("day", "week", "month")

Cuts = Callable[[dt.date, dt.date], Iterable[dt.date]]  # (first, last day) -> cut days


def iso(value: dt.date | dt.datetime | None) -> str | None:
    """ISO 8601 text of a day, or of a naive UTC time marked Z; None stays None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def local_today() -> dt.date:
    return dt.datetime.now(TZ).date()


def utc_start_of(day: dt.date) -> dt.datetime:
    """The naive UTC instant at which an Amsterdam calendar day begins."""
    return dt.datetime.combine(day, dt.time(), TZ).astimezone(dt.UTC).replace(tzinfo=None)


def local_day_of(moment: dt.datetime) -> dt.date:
    """The Amsterdam calendar day of a naive UTC time."""
    return moment.replace(tzinfo=dt.UTC).astimezone(TZ).date()


def local_time(moment: dt.datetime) -> dt.datetime:
    """A naive UTC time as an aware Europe/Amsterdam time, for people to read."""
    return moment.replace(tzinfo=dt.UTC).astimezone(TZ)


def bucket_start(day: dt.date, interval: str) -> dt.date:
    if interval == "day":
        return day
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown interval {interval!r}; expected one of {', '.join(INTERVALS)}")


def next_bucket(start: dt.date, interval: str) -> dt.date:
    if interval == "day":
        return start + dt.timedelta(days=1)
    if interval == "week":
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def period_label(start: dt.date, interval: str) -> str:
    """'2026-05-04', ISO week '2026-W19' (the ISO year, also around New Year) or '2026-05'."""
    if interval == "day":
        return start.isoformat()
    if interval == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


def period_cuts(interval: str, extra: Iterable[dt.date] = ()) -> Cuts:
    """Cut days for counting per period: every period start between the first and last day."""
    def cuts(first: dt.date, last: dt.date) -> Iterator[dt.date]:
        start = bucket_start(first, interval)
        while start <= last:
            yield start
            start = next_bucket(start, interval)
        yield from extra
    return cuts


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day where it has fewer days)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    first = dt.date(year, month + 1, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first.replace(day=min(day.day, last.day))


COMPARISONS = ("previous", "year")
# The period a survey's report opens on and the overview shows: long enough for a margin of
# error owners can act on, short enough to be now.
REPORT_DAYS = 90
DEFAULT_COMPARED_DAYS = 30  # a comparison without a period compares the last 30 days


def compared_period(start: dt.date | None, end: dt.date | None, today: dt.date,
                    ) -> tuple[dt.date, dt.date]:
    """The period a comparison is about: the days asked for, else the 30 days up to today."""
    end = end or max(today, start or today)
    return start or end - dt.timedelta(days=DEFAULT_COMPARED_DAYS - 1), end


def earlier_period(start: dt.date, end: dt.date, kind: str) -> tuple[dt.date, dt.date]:
    """The period to compare with: as many days just before ("previous"), or the same days a
    year earlier ("year": seasonality; 29 February becomes the 28th)."""
    if kind == "previous":
        length = end - start + dt.timedelta(days=1)
        return start - length, start - dt.timedelta(days=1)
    if kind == "year":
        return months_before(start, 12), months_before(end, 12)
    raise ValueError(f"unknown comparison {kind!r}; expected one of {', '.join(COMPARISONS)}")
