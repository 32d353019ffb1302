"""The default category tree, after Beijing's 12345 tiers: emergencies 2 hours, utilities
24 hours, ordinary matters 7 working days, complex ones 15 working days. The system
administrator changes any of it on the categories page."""

# tier: (response limit, unit, resolution limit, unit)
TIERS = {
    "emergency": (1, "hours", 2, "hours"),
    "utility": (2, "hours", 24, "hours"),
    "ordinary": (24, "hours", 7, "working_days"),
    "complex": (1, "working_days", 15, "working_days"),
}

# (code, name, parent code, tier, default handler, street department)
CATEGORIES = [
    ("environment", "环境卫生", "", "ordinary", "grid_worker", ""),
    ("garbage", "垃圾清运", "environment", "ordinary", "grid_worker", ""),
    ("corridor", "楼道堆物", "environment", "ordinary", "grid_worker", ""),
    ("greenery", "绿化养护", "environment", "ordinary", "grid_worker", ""),
    ("facility", "设施报修", "", "utility", "grid_worker", ""),
    ("utilities", "水电气暖", "facility", "utility", "grid_worker", ""),
    ("lighting", "路灯照明", "facility", "utility", "grid_worker", ""),
    ("lift", "电梯故障", "facility", "emergency", "community_staff", ""),
    ("property", "物业管理", "", "ordinary", "community_staff", ""),
    ("parking", "停车交通", "", "ordinary", "grid_worker", ""),
    ("dispute", "邻里纠纷", "", "complex", "community_staff", ""),
    ("pets", "宠物管理", "", "ordinary", "grid_worker", ""),
    ("construction", "违章建筑", "", "complex", "street_department", "城市管理综合执法"),
    ("safety", "安全隐患", "", "emergency", "grid_worker", ""),
    ("school_aid", "助学", "", "complex", "liaison_member", ""),
    ("medical_visit", "送医", "", "utility", "liaison_member", ""),
    ("legal_aid", "法律援助", "", "complex", "community_staff", ""),
    ("home_services", "家政服务", "", "ordinary", "community_staff", ""),
    ("policy", "政策咨询", "", "ordinary", "community_staff", ""),
    ("social_security", "社会保障", "", "ordinary", "community_staff", ""),
    ("other", "其他", "", "ordinary", "grid_worker", ""),
]


def seed(category_model: type) -> int:
    """Create the default categories that are missing (by code); returns how many were made."""
    made = 0
    by_code = {c.code: c for c in category_model.objects.all()}  # type: ignore[attr-defined]
    for order, (code, name, parent, tier, handler, department) in enumerate(CATEGORIES):
        if code in by_code:
            continue
        response, response_unit, resolution, resolution_unit = TIERS[tier]
        by_code[code] = category_model.objects.create(  # type: ignore[attr-defined]
            code=code,
            name=name,
            parent=by_code.get(parent),
            handler_type=handler,
            department=department,
            response_limit=response,
            response_unit=response_unit,
            resolution_limit=resolution,
            resolution_unit=resolution_unit,
            sort_order=order,
        )
        made += 1
    return made
