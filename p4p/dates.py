"""How p4p writes dates and times, in one place: pages, PDFs and history lines all use `day`
(also the Jinja filter `day`)."""

from __future__ import annotations

from datetime import date, datetime

STYLES = ("long", "short", "time")


def day(value: date | datetime | None, style: str = "long") -> str:
    """'5 March 2027' (long), '5 Mar 2027' (short) or '14:05 on 5 March 2027' (time).

    Written without strftime's platform-specific '%-d'; times are shown as stored (UTC)."""
    if value is None:
        return ""
    if style not in STYLES:
        raise ValueError(f"unknown date style {style!r}; expected one of {', '.join(STYLES)}")
    month = f"{value:%b}" if style == "short" else f"{value:%B}"
    text = f"{value.day} {month} {value.year}"
    if style == "time" and isinstance(value, datetime):
        return f"{value:%H:%M} on {text}"
    return text
