"""The party organisations roster: one row per organisation, parents before their children.

A row names its parent by name: an organisation already on record, or one in an earlier row of
the same file, so a community's whole chain (党委 → 网格党支部 → 党小组) can be imported at once.
The placement rules are the ones `party.services.create_organisation` enforces.
"""

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, scope_for
from jiceng.audit.models import Action
from jiceng.audit.services import Entry
from jiceng.dashboard import queries as figures
from jiceng.party import rules
from jiceng.party.models import Organisation, OrgKind, OrgType
from jiceng.party.services import check_placement
from jiceng.rosters.base import Column, Plan, Roster, Row, Sheet
from jiceng.territory.models import CODE_LENGTH, Area, Level

COMMUNITY_CODE = CODE_LENGTH[Level.COMMUNITY]
AUDITED_FIELDS = ("name", "kind", "org_type", "parent", "area")


class OrganisationRoster(Roster):
    kind = "organisations"
    sheet_title = _l("党组织")
    import_permission = Perm.PARTY_IMPORT
    export_permission = Perm.PARTY_EXPORT
    columns = (
        Column("name", _l("组织名称"), required=True, max_length=100, example="第九网格党支部", width=22),
        Column(
            "kind",
            _l("组织类别"),
            kind="choice",
            choices=OrgKind,
            required=True,
            example=str(OrgKind.BRANCH.label),
        ),
        Column(
            "org_type",
            _l("组织类型"),
            kind="choice",
            choices=OrgType,
            required=True,
            example=str(OrgType.GRID.label),
        ),
        Column(
            "parent",
            _l("上级组织"),
            max_length=100,
            example="世纪花园社区党委",
            width=22,
            hint=_l("上级党组织名称：已登记的组织，或本表中排在前面的组织；社区党委和联合党支部可不填"),
        ),
        Column(
            "area",
            _l("所在区域"),
            required=True,
            max_length=100,
            example="370303005001009",
            width=18,
            hint=_l("社区的12位代码或网格的15位代码（也可填社区或网格名称）；网格党支部填网格"),
        ),
        Column("founded_on", _l("成立日期"), kind="date", example="2021-07-01"),
        Column(
            "joint_units",
            _l("联合单位数"),
            kind="int",
            width=10,
            hint=_l("联合党支部覆盖的单位数，一般不超过5个"),
        ),
    )

    def check(self, user: Any, sheet: Sheet, rows: list[Row], plan: Plan) -> None:
        def fail(row: Row, key: str, message: str) -> None:
            plan.errors.append(self.error(sheet, row.number, key, message))

        import_scope = scope_for(user, self.import_permission)
        areas: dict[str, list[Area]] = defaultdict(list)
        # Streets and districts above the user's place come too: their rows are told why not.
        for node in Area.objects.visible_to(user, self.import_permission):
            areas[node.code].append(node)
            if node.name != node.code:
                areas[node.name].append(node)
        parents: dict[str, list[Organisation]] = defaultdict(list)
        for org in Organisation.objects.visible_to(user, self.import_permission).filter(active=True):
            parents[org.name].append(org)
        # Names identify parents: one name per community.
        taken_names = {
            (code[:COMMUNITY_CODE], name)
            for code, name in Organisation.objects.filter(
                active=True, name__in={r.values["name"] for r in rows}
            ).values_list("area_code", "name")
        }
        gridded = set(
            Organisation.objects.filter(
                active=True,
                org_type=OrgType.GRID,
                area_id__in={a.pk for found in areas.values() for a in found},
            ).values_list("area_id", flat=True)
        )
        # Rows of this file by name: the organisations they will create, and the rows that failed.
        planned: dict[str, list[tuple[int, Organisation]]] = defaultdict(list)
        failed_names: dict[str, int] = {}
        first_row: dict[tuple[str, str], int] = {}
        grid_row: dict[int, int] = {}

        for row in rows:
            v = row.values
            before = len(plan.errors)
            area = self._area(row, areas, import_scope, fail)
            parent, parent_row = (None, None)
            if area is not None and v["parent"]:
                parent, parent_row = self._parent(row, area, parents, planned, failed_names, fail)
            if area is not None and len(plan.errors) == before:
                subject = parent if parent is not None else area
                if not has_perm(user, Perm.PARTY_CHANGE, subject):
                    fail(row, "area", _("您没有在“%(area)s”设立党组织的权限") % {"area": area.name})
            if area is not None and len(plan.errors) == before:
                try:
                    check_placement(v["kind"], v["org_type"], parent, area)
                    rules.check_joint_units(v["org_type"], v["joint_units"])
                except ValidationError as exc:
                    for key, messages in exc.message_dict.items():
                        fail(row, key if key in ("kind", "parent", "joint_units") else "area", messages[0])
            if area is not None and len(plan.errors) == before:
                place = (area.code[:COMMUNITY_CODE], v["name"])
                if place in first_row:
                    fail(row, "name", _("与第%(row)d行的组织同名") % {"row": first_row[place]})
                elif place in taken_names:
                    fail(row, "name", _("本社区已有党组织“%(name)s”") % {"name": v["name"]})
                elif v["org_type"] == OrgType.GRID and area.pk in grid_row:
                    fail(
                        row,
                        "area",
                        _("第%(row)d行已为%(grid)s设立网格党支部")
                        % {"row": grid_row[area.pk], "grid": area.name},
                    )
                elif v["org_type"] == OrgType.GRID and area.pk in gridded:
                    fail(row, "area", _("%(grid)s已有网格党支部") % {"grid": area.name})
            if len(plan.errors) > before or area is None:
                failed_names.setdefault(v["name"], row.number)
                continue
            assert area is not None
            first_row[(area.code[:COMMUNITY_CODE], v["name"])] = row.number
            if v["org_type"] == OrgType.GRID:
                grid_row[area.pk] = row.number
            # An unsaved stand-in: the rows below may name it as their parent.
            planned[v["name"]].append(
                (row.number, Organisation(name=v["name"], kind=v["kind"], area=area, area_code=area.code))
            )
            v["_area"], v["_parent"], v["_parent_row"] = (
                area,
                parent if parent_row is None else None,
                parent_row,
            )
            plan.rows.append(row)

    def _area(self, row: Row, areas: dict[str, list[Area]], scope: Any, fail: Any) -> Area | None:
        text = row.values["area"]
        found = areas.get(text, [])
        if len(found) > 1:
            fail(row, "area", _("有多个区域名为“%(area)s”，请填写区域代码") % {"area": text})
            return None
        if not found:
            fail(row, "area", _("找不到区域“%(area)s”，或它不在您的管辖范围内") % {"area": text})
            return None
        area = found[0]
        if not scope.covers(area.code):
            fail(row, "area", _("您不能向“%(area)s”导入党组织") % {"area": area.name})
            return None
        return area

    def _parent(
        self,
        row: Row,
        area: Area,
        parents: dict[str, list[Organisation]],
        planned: dict[str, list[tuple[int, Organisation]]],
        failed_names: dict[str, int],
        fail: Any,
    ) -> tuple[Organisation | None, int | None]:
        """The parent on record or in an earlier row, preferring those of the row's community."""
        name = row.values["parent"]
        found: list[tuple[int | None, Organisation]] = [(None, o) for o in parents.get(name, [])]
        found += planned.get(name, [])
        if len(found) > 1:
            community = area.code[:COMMUNITY_CODE]
            found = [(n, o) for n, o in found if o.area_code.startswith(community)] or found
        if len(found) > 1:
            fail(row, "parent", _("有多个党组织名为“%(name)s”，无法确定上级组织") % {"name": name})
            return None, None
        if not found:
            if name in failed_names:
                message = _("上级组织“%(name)s”所在的第%(row)d行有错误，未能设立") % {
                    "name": name,
                    "row": failed_names[name],
                }
            else:
                message = _("找不到上级组织“%(name)s”：请填写已登记的组织，或把它排在本行之前") % {
                    "name": name
                }
            fail(row, "parent", message)
            return None, None
        number, parent = found[0]
        return parent, number

    def write(self, user: Any, plan: Plan) -> tuple[dict[str, int], list[Entry]]:
        # A few dozen rows at most, each needing its parent's key for its path: one at a time.
        created: dict[int, Organisation] = {}
        entries = []
        for row in plan.rows:
            v = row.values
            parent = v["_parent"] if v["_parent_row"] is None else created[v["_parent_row"]]
            org = Organisation.objects.create(
                name=v["name"],
                kind=v["kind"],
                org_type=v["org_type"],
                parent=parent,
                area=v["_area"],
                area_code=v["_area"].code,
                founded_on=v["founded_on"],
                joint_units=v["joint_units"],
                depth=parent.depth + 1 if parent else 0,
            )
            org.path = f"{parent.path if parent else '/'}{org.pk}/"
            org.save(update_fields=["path"])
            created[row.number] = org
            entries.append(Entry(Action.CREATE, org, fields=AUDITED_FIELDS))
        figures.invalidate(*{org.area_code for org in created.values()})
        return {"organisations": len(created)}, entries
