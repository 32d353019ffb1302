"""The menu a user sees, from the permissions their roles give."""

from dataclasses import dataclass
from functools import lru_cache

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm, Role
from jiceng.accounts.scope import has_perm


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    icon: str
    children: tuple["NavItem", ...] = ()


def can(request: HttpRequest, permission: str) -> bool:
    return has_perm(request.user, permission)


# (permissions, any of which shows the entry; label; URL name; icon), in menu groups.
Entry = tuple[tuple[str, ...], str, str, str]


def _menu() -> list[tuple[str, str, list[Entry]]]:
    return [
        ("", "", [((Perm.TERRITORY_VIEW,), _("辖区"), "territory:index", "map-2")]),
        ("", "", [((Perm.PEOPLE_VIEW,), _("居民"), "people:search", "users")]),
        (
            _("党建"),
            "flag",
            [
                ((Perm.PARTY_VIEW,), _("组织链条"), "party:chain", "hierarchy-2"),
                ((Perm.PARTY_VIEW,), _("党组织"), "party:organisations", "sitemap"),
                ((Perm.PARTY_VIEW,), _("党员"), "party:members", "id-badge-2"),
                ((Perm.ORGLIFE_VIEW,), _("三会一课"), "meetings:index", "calendar-event"),
                ((Perm.ORGLIFE_VIEW,), _("落实情况"), "meetings:board", "checklist"),
                ((Perm.ORGLIFE_VIEW,), _("发展党员"), "development:index", "user-plus"),
                ((Perm.ORGLIFE_VIEW,), _("党校"), "training:index", "school"),
                ((Perm.ORGLIFE_VIEW,), _("党费"), "dues:index", "coin-yuan"),
                ((Perm.ORGLIFE_VIEW,), _("组织关系转接"), "transfers:index", "transfer"),
                ((Perm.ORGLIFE_VIEW,), _("政治生日"), "birthdays:index", "cake"),
                ((Perm.UNITS_MANAGE,), _("双报到"), "units:index", "building-bank"),
                ((Perm.SERVICE_RECORD,), _("我的服务"), "units:mine", "heart-handshake"),
            ],
        ),
        (
            _("诉求"),
            "message-report",
            [
                ((Perm.APPEALS_VIEW,), _("诉求"), "appeals:index", "message-report"),
                ((Perm.APPEALS_HANDLE,), _("诉求统计"), "appeal_measures:index", "chart-bar"),
                ((Perm.APPEALS_HANDLE,), _("热点问题"), "appeal_measures:hot", "flame"),
            ],
        ),
        (
            _("花名册"),
            "file-spreadsheet",
            [
                (
                    (Perm.PEOPLE_IMPORT, Perm.PARTY_IMPORT),
                    _("花名册导入"),
                    "rosters:index",
                    "file-spreadsheet",
                ),
                ((Perm.PEOPLE_EXPORT, Perm.PARTY_EXPORT), _("导出"), "rosters:export", "file-export"),
            ],
        ),
        (
            _("管理"),
            "settings",
            [
                ((Perm.ACCOUNTS_MANAGE,), _("账号管理"), "accounts:users", "user-shield"),
                ((Perm.AUDIT_VIEW,), _("审计日志"), "audit:log", "list-check"),
                ((Perm.SYSTEM_CONFIGURE,), _("关爱标签"), "people:care_tags", "tags"),
                ((Perm.SYSTEM_CONFIGURE,), _("工作日历"), "workdays:index", "calendar"),
                ((Perm.SYSTEM_CONFIGURE,), _("诉求类别"), "appeal_categories:index", "category"),
            ],
        ),
    ]


def nav_items(request: HttpRequest) -> tuple[NavItem, ...]:
    """The menu: a group with one visible entry is a plain link, with more a drop-down."""
    held = tuple(sorted({p for perms, *_rest in _entries() for p in perms if can(request, p)}))
    return _built_menu(held, get_language() or "", get_script_prefix())


@lru_cache(maxsize=1)
def _entries() -> tuple[Entry, ...]:
    return tuple(entry for _group, _icon, entries in _menu() for entry in entries)


@lru_cache(maxsize=256)
def _built_menu(held: tuple[str, ...], language: str, prefix: str) -> tuple[NavItem, ...]:
    # The same permissions give the same menu: built and translated once a process and language.
    menu = []
    for group, group_icon, entries in _menu():
        shown = [
            NavItem(label, reverse(name), icon)
            for perms, label, name, icon in entries
            if any(p in held for p in perms)
        ]
        if len(shown) == 1:
            menu.append(shown[0])
        elif shown:
            menu.append(NavItem(group, "", group_icon, tuple(shown)))
    return tuple(menu)


def role_names(request: HttpRequest) -> str:
    roles: set[str] = getattr(request.user, "roles", set())
    return "、".join(str(Role(r).label) for r in sorted(roles))
