"""Roles and what each may do. Bindings tie a role to a territory node (see models.RoleBinding).

The three administrators are kept apart after 三员分立 (等保2.0): the system administrator
configures, the security administrator manages accounts and bindings, the audit administrator
reads the audit log; none of them sees resident data.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("区管理员")
    STREET_ADMIN = "street_admin", _("街道管理员")
    COMMUNITY_SECRETARY = "community_secretary", _("社区书记")
    COMMUNITY_STAFF = "community_staff", _("社区工作者")
    GRID_WORKER = "grid_worker", _("网格员")
    PARTY_MEMBER = "party_member", _("党员")
    RESIDENT = "resident", _("居民")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


class Perm:
    TERRITORY_VIEW = "territory.view"
    TERRITORY_CHANGE = "territory.change"
    PEOPLE_VIEW = "people.view"
    PEOPLE_CHANGE = "people.change"
    PEOPLE_REVEAL = "people.reveal"  # show a full ID or phone number, with a reason
    PEOPLE_IMPORT = "people.import"
    PEOPLE_EXPORT = "people.export"
    ACCOUNTS_MANAGE = "accounts.manage"
    AUDIT_VIEW = "audit.view"
    SYSTEM_CONFIGURE = "system.configure"
    PARTY_VIEW = "party.view"  # organisations, members, liaison links, coverage
    PARTY_CHANGE = "party.change"
    PARTY_IMPORT = "party.import"
    PARTY_EXPORT = "party.export"
    UNITS_MANAGE = "units.manage"  # sinking units, their pairings and service posts
    SERVICE_RECORD = "units.record_service"  # an in-service member's own registration and hours
    VISIT_RECORD = "party.record_visit"  # a liaison member records their own visits to their households
    APPEALS_VIEW = "appeals.view"
    APPEALS_SUBMIT = "appeals.submit"  # raise an appeal: residents for their household, staff for anyone
    APPEALS_HANDLE = "appeals.handle"  # accept, dispatch, handle, verify, close in one's area
    # Organisational life: 三会一课 and meetings, training, political birthdays, membership
    # development, dues and transfers. A member sees their own records (person scope); a branch's
    # committee runs its own organisation's life (BRANCH_COMMITTEE_PERMISSIONS).
    ORGLIFE_VIEW = "orglife.view"
    ORGLIFE_MANAGE = "orglife.manage"


_AREA_WORK = {
    Perm.TERRITORY_VIEW,
    Perm.PARTY_VIEW,
    Perm.APPEALS_VIEW,
    Perm.APPEALS_SUBMIT,
    Perm.APPEALS_HANDLE,
    Perm.PEOPLE_VIEW,
    Perm.PEOPLE_CHANGE,
    Perm.PEOPLE_REVEAL,
    Perm.PEOPLE_IMPORT,
    Perm.PEOPLE_EXPORT,
}

_OVERSIGHT = {
    Perm.TERRITORY_VIEW,
    Perm.TERRITORY_CHANGE,
    Perm.PEOPLE_VIEW,
    Perm.PEOPLE_EXPORT,
    Perm.PARTY_VIEW,
    Perm.PARTY_EXPORT,
    Perm.UNITS_MANAGE,
    Perm.APPEALS_VIEW,
    Perm.APPEALS_HANDLE,  # street departments take escalated appeals (吹哨报到)
    Perm.ORGLIFE_VIEW,
}
_COMMUNITY_WORK = _AREA_WORK | {
    Perm.TERRITORY_CHANGE,
    Perm.PARTY_CHANGE,
    Perm.PARTY_IMPORT,
    Perm.PARTY_EXPORT,
    Perm.UNITS_MANAGE,
    Perm.ORGLIFE_VIEW,
    Perm.ORGLIFE_MANAGE,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.DISTRICT_ADMIN: frozenset(_OVERSIGHT),
    Role.STREET_ADMIN: frozenset(_OVERSIGHT),
    Role.COMMUNITY_SECRETARY: frozenset(_COMMUNITY_WORK),
    Role.COMMUNITY_STAFF: frozenset(_COMMUNITY_WORK),
    Role.GRID_WORKER: frozenset(_AREA_WORK),
    # Party members see their own household and the households they liaise with, their own
    # member record, and record their own in-service hours; residents see their own household
    # (person scope, see scope.py).
    Role.PARTY_MEMBER: frozenset(
        {
            Perm.PEOPLE_VIEW,
            Perm.PARTY_VIEW,
            Perm.SERVICE_RECORD,
            Perm.VISIT_RECORD,
            Perm.APPEALS_VIEW,
            Perm.APPEALS_SUBMIT,
            Perm.ORGLIFE_VIEW,
        }
    ),
    Role.RESIDENT: frozenset({Perm.PEOPLE_VIEW, Perm.APPEALS_VIEW, Perm.APPEALS_SUBMIT}),
    Role.SYSTEM_ADMIN: frozenset({Perm.SYSTEM_CONFIGURE}),
    Role.SECURITY_ADMIN: frozenset({Perm.ACCOUNTS_MANAGE}),
    Role.AUDIT_ADMIN: frozenset({Perm.AUDIT_VIEW}),
}

# What a member holding a seat on a committee (书记, 委员 …) may do over their organisation and
# the organisations below it; derived from the current term, never bound by hand (scope.py).
BRANCH_COMMITTEE_PERMISSIONS = frozenset(
    {Perm.PARTY_VIEW, Perm.PARTY_CHANGE, Perm.PARTY_EXPORT, Perm.ORGLIFE_VIEW, Perm.ORGLIFE_MANAGE}
)

# Roles whose scope is the user's own household rather than an area.
PERSON_SCOPED_ROLES = frozenset({Role.PARTY_MEMBER, Role.RESIDENT})
# Roles bound to no territory node.
GLOBAL_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# The three administrators must use a second factor (等保2.0 level 3).
SECOND_FACTOR_REQUIRED = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
