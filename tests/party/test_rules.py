"""The branch and member rules of 支部工作条例 (2018) and 发展党员工作细则 (2014)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from jiceng.party import rules
from jiceng.party.models import MemberStatus, OrgKind, OrgType, Position

S, D, M = Position.SECRETARY, Position.DEPUTY_SECRETARY, Position.MEMBER


def _levels(findings: list[rules.Finding]) -> list[str]:
    return [f.level for f in findings]


def test_a_branch_with_two_full_members_must_be_a_joint_branch():
    found = rules.setup_findings(OrgKind.BRANCH, OrgType.FUNCTIONAL, members=4, full_members=2)
    assert _levels(found) == ["error"] and "联合党支部" in found[0].message
    assert rules.setup_findings(OrgKind.BRANCH, OrgType.JOINT, members=4, full_members=2) == []
    assert rules.setup_findings(OrgKind.BRANCH, OrgType.GRID, members=3, full_members=3) == []


def test_size_warnings_past_50_and_100_members():
    assert _levels(rules.setup_findings(OrgKind.BRANCH, OrgType.GRID, 50, 50)) == []
    assert _levels(rules.setup_findings(OrgKind.BRANCH, OrgType.GRID, 51, 50)) == ["warning"]
    assert _levels(rules.setup_findings(OrgKind.GENERAL_BRANCH, OrgType.COMMUNITY, 100, 90)) == []
    assert _levels(rules.setup_findings(OrgKind.GENERAL_BRANCH, OrgType.COMMUNITY, 101, 90)) == ["warning"]


def test_a_joint_branch_joins_at_most_five_units():
    rules.check_joint_units(OrgType.JOINT, 5)
    with pytest.raises(ValidationError) as exc:
        rules.check_joint_units(OrgType.JOINT, 6)
    assert "joint_units" in exc.value.message_dict


@pytest.mark.parametrize(
    ("full", "positions", "ok"),
    [
        (6, [S], True),
        (6, [S, D], True),
        (6, [S, D, M], False),  # fewer than 7 full members: no committee
        (7, [S, D, M], True),
        (7, [S, D], False),  # 7 or more: a committee of 3 to 5
        (30, [S, D, M, M, M, M, M], True),  # at most 7
        (30, [S, D, M, M, M, M, M, M], False),
        (30, [D, M, M], False),  # always one secretary
    ],
)
def test_branch_committee_size_follows_full_members(full: int, positions: list[str], ok: bool):
    if ok:
        rules.check_committee(OrgKind.BRANCH, full, positions)
    else:
        with pytest.raises(ValidationError):
            rules.check_committee(OrgKind.BRANCH, full, positions)


def test_member_dates():
    born = datetime.date(2000, 6, 15)
    rules.check_member_dates(born, datetime.date(2018, 6, 15), MemberStatus.PROBATIONARY, None)
    with pytest.raises(ValidationError) as exc:
        rules.check_member_dates(born, datetime.date(2018, 6, 14), MemberStatus.PROBATIONARY, None)
    assert "18" in exc.value.message_dict["joined_on"][0]
    with pytest.raises(ValidationError) as exc:
        rules.check_member_dates(
            born, datetime.date(2019, 1, 1), MemberStatus.PROBATIONARY, datetime.date(2020, 1, 1)
        )
    assert "full_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        rules.check_member_dates(
            born, datetime.date(2019, 1, 1), MemberStatus.FULL, datetime.date(2019, 1, 1)
        )
    assert "full_on" in exc.value.message_dict


def test_terms_end_after_five_or_three_years_even_from_29_february():
    assert rules.term_end(datetime.date(2024, 2, 29), 5) == datetime.date(2029, 2, 28)
    assert rules.term_end(datetime.date(2023, 3, 1), 3) == datetime.date(2026, 3, 1)
