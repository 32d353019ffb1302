"""Finding the party member a roster row names: by name and the last four characters of their
ID number (members who are residents here) or their phone number, within the user's scope."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jiceng.common import crypto
from jiceng.common.identity import normalize_phone
from jiceng.party.models import Member
from jiceng.rosters.base import Row


@dataclass(frozen=True)
class MemberRef:
    pk: int
    name: str
    active: bool
    area_code: str
    id_tail: str
    phone_hash: str
    org_path: str


class MemberLookup:
    """The members `user` may see with `permission` among the names of a file, by name."""

    def __init__(self, user: Any, permission: str, names: set[str]) -> None:
        self.found: dict[str, list[MemberRef]] = defaultdict(list)
        rows = (
            Member.objects.visible_to(user, permission)
            .filter(name__in=names)
            .values_list(
                "pk", "name", "active", "area_code", "resident__id_tail", "phone_hash", "organisation__path"
            )
        )
        for pk, name, active, area_code, id_tail, phone_hash, path in rows:
            self.found[name].append(MemberRef(pk, name, active, area_code, id_tail or "", phone_hash, path))

    def find(
        self,
        row: Row,
        fail: Callable[[Row, str, str], None],
        name_key: str = "member",
        tail_key: str = "id_tail",
        phone_key: str = "member_phone",
    ) -> MemberRef | None:
        """The one active member the row names, or None after reporting why."""
        v = row.values
        tail = (v.get(tail_key) or "").upper()
        phone: str = v.get(phone_key) or ""
        if not tail and not phone:
            fail(row, tail_key, _("请填写党员身份证号码后4位或党员电话，以确认是哪一位党员"))
            return None
        named = self.found.get(v[name_key], [])
        if tail:
            found = [m for m in named if m.id_tail == tail]
            key = tail_key
        else:
            try:
                phone_hash = crypto.lookup_hash(normalize_phone(phone))
            except ValidationError as exc:
                fail(row, phone_key, exc.messages[0])
                return None
            found = [m for m in named if m.phone_hash == phone_hash]
            key = phone_key
        # Two records of one person: one left the roll, the other is current.
        if len(found) > 1:
            found = [m for m in found if m.active] or found
        if not found:
            fail(row, key, _("找不到党员“%(name)s”，或其不在您的管辖范围内") % {"name": v[name_key]})
            return None
        if len(found) > 1:
            fail(row, key, _("有多名党员与此相符，请改填党员电话") if tail else _("有多名党员与此相符"))
            return None
        member = found[0]
        if not member.active:
            fail(row, name_key, _("%(name)s已离册") % {"name": member.name})
            return None
        return member
