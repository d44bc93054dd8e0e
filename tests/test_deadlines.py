"""The date rules, across weekends and Swedish public holidays (docs/domain.md §5)."""

import datetime

import pytest

from remiss import deadlines
from remiss.models import Meeting

D = datetime.date


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        (D(2019, 12, 12), True, None),
        (D(2019, 12, 14), False, "lördag"),
        (D(2019, 12, 15), False, "söndag"),
        (D(2019, 12, 24), False, "Julafton"),
        (D(2019, 12, 25), False, "Juldagen"),
        (D(2019, 12, 26), False, "Annandag jul"),
        (D(2019, 12, 31), False, "Nyårsafton"),
        (D(2020, 1, 6), False, "Trettondedag jul"),
        (D(2020, 4, 10), False, "Långfredagen"),
        (D(2020, 4, 13), False, "Annandag påsk"),
        (D(2020, 5, 1), False, "Första maj"),
        (D(2020, 5, 21), False, "Kristi himmelsfärdsdag"),
        (D(2020, 6, 19), False, "Midsommarafton"),
        (D(2020, 6, 5), True, None),
    ],
)
def test_working_days_follow_lag_1930_173(day, working, why):
    assert deadlines.is_working_day(day) is working
    assert deadlines.why_not_working(day) == why


def test_a_deadline_on_a_saturday_moves_to_monday_with_a_notice():
    assert deadlines.moved_deadline(D(2019, 12, 14)) == (
        D(2019, 12, 16),
        "2019-12-14 är lördag; svarsdatum flyttas till måndag 2019-12-16.",
    )


def test_a_deadline_on_christmas_eve_moves_past_the_holidays():
    assert deadlines.moved_deadline(D(2019, 12, 24))[0] == D(2019, 12, 27)
    assert deadlines.moved_deadline(D(2019, 12, 13)) == (D(2019, 12, 13), None)


@pytest.mark.parametrize(
    ("meeting", "limit", "last_day"),
    [
        (D(2019, 11, 21), D(2019, 12, 5), D(2019, 12, 5)),  # a Thursday: no change
        (D(2019, 12, 12), D(2019, 12, 26), D(2019, 12, 23)),  # annandag jul, juldagen, julafton
        (D(2020, 3, 27), D(2020, 4, 10), D(2020, 4, 9)),  # långfredagen
        (D(2019, 11, 30), D(2019, 12, 14), D(2019, 12, 13)),  # a Saturday
    ],
)
def test_the_minutes_are_justified_within_14_days_and_never_on_a_holiday(meeting, limit, last_day):
    assert deadlines.justification_limit(meeting) == limit
    assert deadlines.last_day_to_justify(meeting) == last_day


@pytest.mark.parametrize(
    ("justified", "notice_by"),
    [
        (D(2019, 12, 12), D(2019, 12, 16)),  # Thursday + 2 = Saturday → Monday
        (D(2019, 12, 10), D(2019, 12, 12)),
        (D(2019, 12, 20), D(2019, 12, 23)),  # Friday + 2 = Sunday → Monday
        (D(2019, 12, 22), D(2019, 12, 27)),  # → julafton → the 27th
    ],
)
def test_the_notice_is_due_by_the_second_day_after_justification(justified, notice_by):
    assert deadlines.notice_deadline(justified) == notice_by


@pytest.mark.parametrize(
    ("notice", "appeal_end"),
    [
        (D(2019, 12, 12), D(2020, 1, 2)),
        (D(2019, 12, 3), D(2019, 12, 27)),  # three weeks is julafton, then two holidays
        (D(2020, 3, 20), D(2020, 4, 14)),  # långfredagen, a weekend, annandag påsk
        (D(2019, 11, 23), D(2019, 12, 16)),  # three weeks is a Saturday
    ],
)
def test_the_appeal_period_ends_three_weeks_after_the_notice(notice, appeal_end):
    assert deadlines.appeal_ends(notice) == appeal_end


def test_dates_in_running_text_are_written_in_words():
    assert deadlines.in_words(D(2019, 12, 13)) == "den 13 december 2019"


class TestJustificationWarning:
    def meeting(self, day) -> Meeting:
        return Meeting(date=day)

    def test_no_warning_while_there_is_time(self):
        assert self.meeting(D(2019, 12, 12)).justification_warning(D(2019, 12, 13)) is None

    def test_a_warning_as_the_limit_nears(self):
        warning = self.meeting(D(2019, 12, 12)).justification_warning(D(2019, 12, 20))

        assert warning == "Protokollet måste justeras senast 2019-12-23, om 3 dagar."

    def test_a_warning_when_the_limit_has_passed(self):
        warning = self.meeting(D(2019, 12, 12)).justification_warning(D(2019, 12, 27))

        assert warning.startswith("Protokollet skulle ha justerats senast 2019-12-23")

    def test_no_warning_once_justified(self):
        meeting = self.meeting(D(2019, 12, 12))
        meeting.minutes_justified_on = D(2019, 12, 12)

        assert meeting.justification_warning(D(2019, 12, 27)) is None


class TestDeadlineAdvice:
    DEADLINE = D(2019, 12, 13)
    TODAY = D(2019, 11, 1)

    def advice(self, meetings, deadline=DEADLINE, today=TODAY):
        return deadlines.deadline_advice(
            deadline=deadline, today=today, meeting_dates=meetings, usual_justification_days=7
        )

    def test_no_meeting_before_the_deadline_suggests_an_extension(self):
        assert self.advice([D(2019, 12, 19)]) == (
            "Nämnden har inget sammanträde före svarsdatum 2019-12-13. "
            "Begär anstånd hos remittenten."
        )

    def test_a_last_meeting_too_close_suggests_immediate_justification(self):
        advice = self.advice([D(2019, 11, 14), D(2019, 12, 12)])

        assert "sista sammanträde före svarsdatum är 2019-12-12" in advice
        assert "justeras omedelbart" in advice

    def test_a_meeting_in_good_time_needs_no_advice(self):
        assert self.advice([D(2019, 11, 28)]) is None

    def test_a_past_deadline_gets_no_advice(self):
        assert self.advice([], today=D(2019, 12, 14)) is None


# Known Swedish public holidays and the eves lag 1930:173 treats like them, over several years.
KNOWN_NON_WORKING = {
    2024: [
        "01-01",
        "01-06",
        "03-29",
        "04-01",
        "05-01",
        "05-09",
        "06-06",
        "06-21",
        "12-24",
        "12-25",
        "12-26",
        "12-31",
    ],
    2025: [
        "01-01",
        "01-06",
        "04-18",
        "04-21",
        "05-01",
        "05-29",
        "06-06",
        "06-20",
        "12-24",
        "12-25",
        "12-26",
        "12-31",
    ],
    2026: [
        "01-01",
        "01-06",
        "04-03",
        "04-06",
        "05-01",
        "05-14",
        "06-06",
        "06-19",
        "12-24",
        "12-25",
        "12-26",
        "12-31",
    ],
    2027: [
        "01-01",
        "01-06",
        "03-26",
        "03-29",
        "05-01",
        "05-06",
        "06-06",
        "06-25",
        "12-24",
        "12-25",
        "12-26",
        "12-31",
    ],
}


@pytest.mark.parametrize(
    "day",
    [D.fromisoformat(f"{year}-{md}") for year, days in KNOWN_NON_WORKING.items() for md in days],
)
def test_known_holidays_and_eves_are_not_working_days(day):
    assert not deadlines.is_working_day(day), day


@pytest.mark.parametrize("year", sorted(KNOWN_NON_WORKING))
def test_every_other_weekday_of_the_year_is_a_working_day(year):
    off = {D.fromisoformat(f"{year}-{md}") for md in KNOWN_NON_WORKING[year]}
    day = D(year, 1, 1)
    while day.year == year:
        if day.weekday() < 5 and day not in off:
            assert deadlines.is_working_day(day), day
        day += datetime.timedelta(days=1)
