"""The demo accounts: one per role, all with the same password, created with demo data only."""

from typing import IO, Any

DEMO_PASSWORD = "Jiceng#2026"

# (username, role, what they can do), in the order `make run` prints them.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("admin", "系统管理员", "系统设置（关爱标签），不接触居民信息；首次登录须绑定动态口令"),
    ("security", "安全管理员", "账号与角色管理、解锁；首次登录须绑定动态口令"),
    ("auditor", "审计管理员", "只读审计日志；首次登录须绑定动态口令"),
    ("district", "区管理员", "全区辖区与统计，可导出"),
    ("street", "街道管理员", "本街道辖区与统计，可导出"),
    ("secretary", "社区书记", "本社区全部居民、住户、楼栋、导入导出"),
    ("staff", "社区工作者", "同社区书记的日常工作"),
    ("grid01 … grid10", "网格员", "只看本网格的楼栋、住户和居民"),
    ("member01", "党员", "只看本户"),
    ("resident01", "居民", "只看本户"),
]


def print_demo_logins(out: IO[str] | Any) -> None:
    from jiceng.accounts.models import User

    if not User.objects.filter(username="secretary").exists():
        return
    out.write(f"演示账号 / demo logins (password 密码: {DEMO_PASSWORD})")
    for username, role, what in DEMO_LOGINS:
        out.write(f"  {username:<16} {role:<6} {what}")
