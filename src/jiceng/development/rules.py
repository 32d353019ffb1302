"""The time limits and thresholds of 《中国共产党发展党员工作细则》 (2014), as pure functions.

Articles cited: 第八条 (18 or older), 第九条 (a talk within one month of the application),
第十二条 (one or two full members as contact persons), 第十三条 (thought reports, a review every
six months), 第十四条 (a candidate after more than one year as an activist), 第十五条 (two full
members as introducers), 第十七至十八条 (political review and its written conclusion), 第十九条
(concentrated training of at least 3 days or 24 class hours), 第二十二条 (public notice;
commonly 5 working days), 第二十四至二十五条 (the branch general meeting: more than half of the
voting members present; more than half of all voting members for), 第二十八条 (the higher
committee approves within 3 months, at most 6), 第三十条 (one year of probation from the branch
meeting), 第三十三条 (an extension of at least 6 months and at most one year).
"""

import datetime
from decimal import Decimal

from jiceng.common.dates import add_months, add_years
from jiceng.workdays import calendar

MIN_AGE = 18
TALK_WITHIN_MONTHS = 1
MIN_CONTACTS, MAX_CONTACTS = 1, 2
ACTIVIST_YEARS = 1
REVIEW_MONTHS = 6
INTRODUCERS = 2
MIN_TRAINING_DAYS = Decimal(3)
MIN_TRAINING_HOURS = 24
NOTICE_WORKING_DAYS = 5
APPROVAL_MONTHS, APPROVAL_MONTHS_SPECIAL = 3, 6
PROBATION_YEARS = 1
MIN_EXTENSION_MONTHS, MAX_EXTENSION_MONTHS = 6, 12


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def talk_due(applied_on: datetime.date) -> datetime.date:
    """The last day for the talk (第九条: 一个月内)."""
    return add_months(applied_on, TALK_WITHIN_MONTHS)


def candidate_from(activist_on: datetime.date) -> datetime.date:
    """The first day an activist may be made a candidate: after a full year (第十四条)."""
    return add_years(activist_on, ACTIVIST_YEARS)


def quarter_of(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarters_between(first: datetime.date, last: datetime.date) -> list[str]:
    """The quarters from the one after `first`'s to the one before `last`'s: those wholly
    inside the training, each of which should have a thought report."""
    keys: list[str] = []
    year, q = first.year, (first.month - 1) // 3 + 1
    end = quarter_of(last)
    while True:
        q += 1
        if q == 5:
            year, q = year + 1, 1
        key = f"{year}-Q{q}"
        if key >= end:
            return keys
        keys.append(key)


def training_enough(days: Decimal | None, hours: int | None) -> bool:
    """第十九条: 集中培训时间一般不少于3天（或不少于24个学时）."""
    return (days or 0) >= MIN_TRAINING_DAYS or (hours or 0) >= MIN_TRAINING_HOURS


def notice_until(notice_from: datetime.date) -> datetime.date:
    """The last day of a public notice of 5 working days that starts on `notice_from` (the day
    itself counts when it is a working day): holidays are skipped and make-up working days
    count, by the platform's editable calendar."""
    first = calendar.add_working_days(notice_from, 0)
    return calendar.add_working_days(first, NOTICE_WORKING_DAYS - 1)


def quorum(present: int, voting: int) -> bool:
    """第二十五条: 有表决权的到会人数必须超过应到会有表决权人数的半数."""
    return voting > 0 and present * 2 > voting


def adopted(votes_for: int, voting: int) -> bool:
    """第二十五条: 赞成人数超过应到会有表决权的正式党员的半数."""
    return voting > 0 and votes_for * 2 > voting


def approval_due(vote_on: datetime.date, special: bool = False) -> datetime.date:
    return add_months(vote_on, APPROVAL_MONTHS_SPECIAL if special else APPROVAL_MONTHS)


def probation_end(vote_on: datetime.date, extended_months: int | None = None) -> datetime.date:
    """第三十条: 预备期从支部大会通过其为预备党员之日算起, one year, plus any extension."""
    return add_months(add_years(vote_on, PROBATION_YEARS), extended_months or 0)
