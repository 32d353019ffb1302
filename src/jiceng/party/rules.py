"""The national rules on party organisations and members that Jiceng checks.

Sources: 中国共产党支部工作条例（试行）(2018), 中国共产党发展党员工作细则 (2014).
Errors a user can fix are `ValidationError`s; the setup findings are shown where an
organisation is displayed (the chain view, its page) and enforced where a change would break them.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jiceng.party.models import MemberStatus, OrgKind, OrgType

# 支部工作条例 第五条: 正式党员3人以上的，应当成立党支部; 不足3人的，可以与邻近单位成立联合党支部.
MIN_FULL_MEMBERS_FOR_BRANCH = 3
# 联合党支部覆盖单位一般不超过5个.
MAX_JOINT_UNITS = 5
# 党支部党员人数一般不超过50人.
BRANCH_SOFT_LIMIT = 50
# 党员人数50人以上、100人以下的，可以成立党总支; 超过100人的，经批准可以成立党的基层委员会.
GENERAL_BRANCH_SOFT_LIMIT = 100
# 第十五条: 有正式党员7人以上的党支部，设立支部委员会，由3至5人组成，一般不超过7人;
# 不足7人的，不设支部委员会，设书记1名，必要时设副书记1名.
MIN_FULL_MEMBERS_FOR_COMMITTEE = 7
COMMITTEE_SIZE = (3, 5)
COMMITTEE_MAX = 7
# 发展党员工作细则 第五条: 年满十八岁.
MIN_AGE_AT_JOINING = 18


@dataclass(frozen=True)
class Finding:
    level: str  # "error" or "warning"
    message: str


def setup_findings(kind: str, org_type: str, members: int, full_members: int) -> list[Finding]:
    """What the branch rules say about an organisation with these member counts."""
    found: list[Finding] = []
    if kind == OrgKind.BRANCH and org_type != OrgType.JOINT and full_members < MIN_FULL_MEMBERS_FOR_BRANCH:
        found.append(
            Finding(
                "error",
                _("正式党员%(n)d名，不足3名，不能单独成立党支部，应与邻近单位成立联合党支部")
                % {"n": full_members},
            )
        )
    if kind == OrgKind.BRANCH and members > BRANCH_SOFT_LIMIT:
        found.append(
            Finding("warning", _("党员%(n)d名，超过50名，应考虑分设党支部或成立党总支") % {"n": members})
        )
    if kind == OrgKind.GENERAL_BRANCH and members > GENERAL_BRANCH_SOFT_LIMIT:
        found.append(
            Finding("warning", _("党员%(n)d名，超过100名，经批准可成立党的基层委员会") % {"n": members})
        )
    return found


def check_joint_units(org_type: str, joint_units: int | None) -> None:
    if org_type == OrgType.JOINT and joint_units is not None and joint_units > MAX_JOINT_UNITS:
        raise ValidationError({"joint_units": _("联合党支部覆盖单位一般不超过5个")})


def check_committee(kind: str, full_members: int, positions: list[str]) -> None:
    """A branch committee of 3–5 (at most 7) needs 7 or more full members; otherwise a secretary
    and, if needed, a deputy (支部工作条例 第十五条). Every organisation has one secretary."""
    from jiceng.party.models import Position

    size = len(positions)
    if positions.count(Position.SECRETARY) != 1:
        raise ValidationError({"seats": _("应当设书记1名")})
    if kind != OrgKind.BRANCH:
        return
    if full_members < MIN_FULL_MEMBERS_FOR_COMMITTEE:
        extra = [p for p in positions if p not in (Position.SECRETARY, Position.DEPUTY_SECRETARY)]
        if extra or positions.count(Position.DEPUTY_SECRETARY) > 1:
            raise ValidationError(
                {
                    "seats": _("正式党员%(n)d名，不足7名，不设支部委员会，只设书记1名，必要时设副书记1名")
                    % {"n": full_members}
                }
            )
        return
    if size > COMMITTEE_MAX:
        raise ValidationError({"seats": _("支部委员会一般由3至5人组成，最多不超过7人")})
    if size < COMMITTEE_SIZE[0]:
        raise ValidationError(
            {"seats": _("正式党员%(n)d名，7名以上应设立支部委员会，由3至5人组成") % {"n": full_members}}
        )


def check_member_dates(
    birth_date: datetime.date, joined_on: datetime.date, status: str, full_on: datetime.date | None
) -> None:
    """18 or older at joining; full membership after joining; a probationary member has no
    full-membership date (发展党员工作细则 第五条、第三十三条)."""
    errors: dict[str, str] = {}
    age = (
        joined_on.year
        - birth_date.year
        - ((joined_on.month, joined_on.day) < (birth_date.month, birth_date.day))
    )
    if age < MIN_AGE_AT_JOINING:
        errors["joined_on"] = _("入党时应年满18周岁（入党日期时仅%(age)d周岁）") % {"age": age}
    if joined_on > datetime.date.today():
        errors["joined_on"] = _("入党日期不能晚于今天")
    if status == MemberStatus.PROBATIONARY and full_on is not None:
        errors["full_on"] = _("预备党员没有转正日期")
    if status == MemberStatus.FULL and full_on is None:
        errors["full_on"] = _("请填写正式党员的转正日期")
    if full_on is not None and full_on <= joined_on:
        errors["full_on"] = _("转正日期应晚于入党日期")
    if errors:
        raise ValidationError(errors)


def term_end(elected_on: datetime.date, years: int) -> datetime.date:
    try:
        return elected_on.replace(year=elected_on.year + years)
    except ValueError:  # 29 February
        return elected_on.replace(year=elected_on.year + years, day=28)
