"""The frequencies and the quorum of 三会一课 (支部工作条例 第十九条)."""

import datetime

import pytest

from jiceng.meetings import rules
from jiceng.meetings.rules import MeetingType, Period


@pytest.mark.parametrize(
    ("day", "period", "key", "first", "last"),
    [
        (
            datetime.date(2026, 2, 28),
            Period.MONTH,
            "2026-02",
            datetime.date(2026, 2, 1),
            datetime.date(2026, 2, 28),
        ),
        (
            datetime.date(2028, 2, 29),
            Period.MONTH,
            "2028-02",
            datetime.date(2028, 2, 1),
            datetime.date(2028, 2, 29),
        ),
        (
            datetime.date(2026, 12, 31),
            Period.MONTH,
            "2026-12",
            datetime.date(2026, 12, 1),
            datetime.date(2026, 12, 31),
        ),
        (
            datetime.date(2026, 3, 31),
            Period.QUARTER,
            "2026-Q1",
            datetime.date(2026, 1, 1),
            datetime.date(2026, 3, 31),
        ),
        (
            datetime.date(2026, 4, 1),
            Period.QUARTER,
            "2026-Q2",
            datetime.date(2026, 4, 1),
            datetime.date(2026, 6, 30),
        ),
        (
            datetime.date(2026, 11, 22),
            Period.QUARTER,
            "2026-Q4",
            datetime.date(2026, 10, 1),
            datetime.date(2026, 12, 31),
        ),
        (
            datetime.date(2026, 7, 1),
            Period.YEAR,
            "2026",
            datetime.date(2026, 1, 1),
            datetime.date(2026, 12, 31),
        ),
    ],
)
def test_periods_have_the_right_bounds(day, period, key, first, last):
    span = rules.span_of(period, day)
    assert (span.key, span.first, span.last) == (key, first, last)


def test_a_year_has_twelve_months_four_quarters():
    assert len(rules.spans_of_year(Period.MONTH, 2026)) == 12
    assert [s.key for s in rules.spans_of_year(Period.QUARTER, 2026)] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]


def test_required_frequencies_follow_the_rules():
    assert rules.FREQUENCY[MeetingType.GENERAL] == Period.QUARTER
    assert rules.FREQUENCY[MeetingType.COMMITTEE] == Period.MONTH
    assert rules.FREQUENCY[MeetingType.GROUP] == Period.MONTH
    assert rules.FREQUENCY[MeetingType.LECTURE] == Period.QUARTER
    assert rules.FREQUENCY[MeetingType.THEME_DAY] == Period.MONTH
    assert rules.FREQUENCY[MeetingType.ORG_LIFE] == Period.YEAR
    assert rules.FREQUENCY[MeetingType.APPRAISAL] == Period.YEAR


def test_which_types_each_organisation_holds():
    assert MeetingType.COMMITTEE in rules.required_types("branch", has_committee=True)
    assert MeetingType.COMMITTEE not in rules.required_types("branch", has_committee=False)
    assert rules.required_types("group", has_committee=False) == [MeetingType.GROUP]
    assert rules.required_types("committee", has_committee=True) == [MeetingType.COMMITTEE]


@pytest.mark.parametrize(
    ("present", "voting", "reached"),
    [(3, 4, True), (2, 4, False), (1, 1, True), (1, 2, False), (4, 7, True), (3, 7, False), (0, 0, False)],
)
def test_quorum_is_more_than_half_of_the_voting_members(present, voting, reached):
    assert rules.quorum_reached(present, voting) is reached
