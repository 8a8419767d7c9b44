"""Display names for dates (English): months, weekdays and day labels.

The one place the theme's date words come from, shared by the site plan
(breadcrumbs, calendars, period titles) and the renderer (article dates).
"""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def day_text(day: dt.date) -> str:
    """``11 January 2022``."""
    return f"{day.day} {MONTHS[day.month]} {day.year}"
