"""Dates the law sets: working days, the justification limit, the notice and the appeal period.

- A deadline that falls on a Saturday, a Sunday, another public holiday, midsommarafton,
  julafton or nyårsafton moves to the next working day (lag 1930:173 om beräkning av lagstadgad
  tid).
- Minutes are justified no later than 14 days after the meeting (KL 5 kap. 69 §). The limit is
  not moved: when its last day is not a working day, the last working day before it is the last
  real chance, and that is the day warned about.
- Justification is announced on the notice board (anslag) no later than the second day after it
  (KL 8 kap. 12 §). The portal posts it on the day of justification itself, and the appeal time
  counts from the day it was really posted (remiss.workflow, the Notice row), never from a
  date computed here.
- An appeal (laglighetsprövning) must arrive within three weeks from the day the notice was
  posted (KL 13 kap. 5 §); the last day moves to the next working day.

Forms accept only dates from 1900 to 2100 (remiss.forms.dates), but a date outside that range
already stored (or typed before the check existed) must never turn a page into a server error:
outside the holiday library's years only weekends and the three eves count as non-working, and
date arithmetic stops at the ends of the calendar instead of overflowing.
"""

import datetime
import functools

import holidays

JUSTIFICATION_LIMIT_DAYS = 14
NOTICE_WITHIN_DAYS = 2
APPEAL_WEEKS = 3

MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]


@functools.cache
def non_working_days(year: int) -> dict[datetime.date, str]:
    """Swedish public holidays and the three eves that lag 1930:173 treats like them."""
    days = dict(holidays.Sweden(years=year, language="sv"))
    midsummer_day = next((day for day, name in days.items() if name == "Midsommardagen"), None)
    if midsummer_day is not None:  # None outside the years the library knows
        days[midsummer_day - datetime.timedelta(days=1)] = "Midsommarafton"
    days[datetime.date(year, 12, 24)] = "Julafton"
    days[datetime.date(year, 12, 31)] = "Nyårsafton"
    return days


def why_not_working(day: datetime.date) -> str | None:
    """None for a working day, else what the day is ("lördag", "Juldagen", ...)."""
    name = non_working_days(day.year).get(day)
    if name:
        return name
    if day.weekday() >= 5:
        return WEEKDAYS[day.weekday()]
    return None


def is_working_day(day: datetime.date) -> bool:
    return why_not_working(day) is None


def plus_days(day: datetime.date, days: int) -> datetime.date:
    """`day` moved by `days`, stopping at the first or last day the calendar has."""
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min


def next_working_day(day: datetime.date) -> datetime.date:
    """The day itself if it is a working day, else the first working day after it."""
    while not is_working_day(day) and day < datetime.date.max:
        day += datetime.timedelta(days=1)
    return day


def previous_working_day(day: datetime.date) -> datetime.date:
    """The day itself if it is a working day, else the last working day before it."""
    while not is_working_day(day) and day > datetime.date.min:
        day -= datetime.timedelta(days=1)
    return day


def moved_deadline(day: datetime.date) -> tuple[datetime.date, str | None]:
    """A deadline moved to a working day, with a Swedish notice saying why (None if unmoved)."""
    reason = why_not_working(day)
    if reason is None:
        return day, None
    moved = next_working_day(day)
    return moved, (
        f"{day:%Y-%m-%d} är {reason.lower()}; "
        f"svarsdatum flyttas till {WEEKDAYS[moved.weekday()]} {moved:%Y-%m-%d}."
    )


def justification_limit(meeting: datetime.date) -> datetime.date:
    """The fourteenth day after the meeting (KL 5 kap. 69 §)."""
    return plus_days(meeting, JUSTIFICATION_LIMIT_DAYS)


def last_day_to_justify(meeting: datetime.date) -> datetime.date:
    """The last working day on or before the justification limit."""
    return previous_working_day(justification_limit(meeting))


def notice_deadline(justified: datetime.date) -> datetime.date:
    """The day by which the justification must be on the notice board (KL 8 kap. 12 §)."""
    return next_working_day(plus_days(justified, NOTICE_WITHIN_DAYS))


def appeal_ends(notice: datetime.date) -> datetime.date:
    """The last day an appeal can arrive: three weeks after the notice day (KL 13 kap. 5 §)."""
    return next_working_day(plus_days(notice, 7 * APPEAL_WEEKS))


def in_words(day: datetime.date) -> str:
    """Dates in running text: "den 13 december 2019" (docs/domain.md §8)."""
    return f"den {day.day} {MONTHS[day.month - 1]} {day.year}"


def deadline_advice(
    *,
    deadline: datetime.date,
    today: datetime.date,
    meeting_dates: list[datetime.date],
    usual_justification_days: int,
) -> str | None:
    """What to do when the council's meetings do not fit the remiss' deadline.

    No meeting before the deadline: ask the sender for an extension. A last meeting too close to
    the deadline for ordinary justification: justify the paragraph at once (omedelbar justering).
    """
    if deadline < today:
        return None
    before = sorted(day for day in meeting_dates if today <= day <= deadline)
    if not before:
        return (
            f"Nämnden har inget sammanträde före svarsdatum {deadline:%Y-%m-%d}. "
            "Begär anstånd hos remittenten."
        )
    last = before[-1]
    ordinary = plus_days(last, usual_justification_days)
    if ordinary > deadline:
        return (
            f"Nämndens sista sammanträde före svarsdatum är {last:%Y-%m-%d}. Med vanlig justering "
            f"({usual_justification_days} dagar) hinner svaret inte fram till "
            f"{deadline:%Y-%m-%d}: föreslå att paragrafen justeras omedelbart."
        )
    return None
