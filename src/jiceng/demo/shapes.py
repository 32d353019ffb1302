"""The territory of each demo scale: district, streets, communities, estates, buildings, grids.

Codes follow GB/T 2260 and the 12-digit statistical codes: streets 001-099 under the district,
residents' committees 001-199 under the street, grids the community's code plus 3 digits.
"""

import random
from dataclasses import dataclass, field

# Chinese numerals for grid names (第一网格 … 第二十网格 …).
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class EstateKind:
    """An estate's management (三无小区: none, no owners' committee, no competent authority)."""

    management: str  # PropertyManagement value
    owners_committee: bool
    competent_authority: bool
    era: str  # building catalogue: "tiny", "old", "mid", "new"


@dataclass
class EstatePlan:
    name: str
    kind: EstateKind
    company: str = ""
    buildings: int = 0  # fixed building count (flagship) or 0 to draw until households are reached


@dataclass
class CommunityPlan:
    code: str
    name: str
    households: int  # expected number of households (before vacancies are drawn)
    grids: int
    estates: list[EstatePlan] = field(default_factory=list)
    party_roll: int = 0  # members on the community's own roll; 0: about 5.5 % of residents
    grid_branch: tuple[int, int] | None = None  # members of each grid branch, when the source gives it


@dataclass
class StreetPlan:
    code: str
    name: str
    communities: list[CommunityPlan] = field(default_factory=list)


@dataclass
class DistrictPlan:
    code: str
    name: str
    # ID-number area codes of people registered locally (the district first, then its province).
    local_codes: list[str]
    streets: list[StreetPlan] = field(default_factory=list)

    @property
    def communities(self) -> list[CommunityPlan]:
        return [c for s in self.streets for c in s.communities]


COMPANY = EstateKind("company", True, False, "new")
COMPANY_NO_COMMITTEE = EstateKind("company", False, False, "mid")
SELF_MANAGED = EstateKind("self", True, False, "old")
UNIT_HOUSING = EstateKind("none", False, True, "old")  # 单位宿舍: no company, an employer looks after it
THREE_NO = EstateKind("none", False, False, "old")  # 三无小区

# Floors, units and flats per landing of each building catalogue.
BUILDING_TYPES: dict[str, list[tuple[tuple[int, int], tuple[int, int], tuple[int, int], float]]] = {
    # (floors range, units range, flats per landing range, weight)
    "tiny": [((4, 6), (1, 1), (2, 2), 1.0)],
    "old": [((5, 7), (2, 3), (2, 2), 0.85), ((4, 5), (1, 2), (2, 3), 0.15)],
    "mid": [((6, 7), (2, 4), (2, 2), 0.5), ((11, 11), (2, 2), (2, 2), 0.5)],
    "new": [
        ((11, 11), (2, 3), (2, 2), 0.4),
        ((18, 26), (1, 2), (2, 3), 0.5),
        ((30, 33), (1, 1), (4, 4), 0.1),
    ],
}

PROPERTY_COMPANIES = [
    "万科物业",
    "绿城服务",
    "碧桂园服务",
    "保利物业",
    "中海物业",
    "长城物业",
    "福晟物业",
    "鲁商物业",
    "淄博城投物业",
    "武汉地产物业",
    "楚天物业",
    "金地物业",
]

_ESTATE_WORDS = [
    "阳光",
    "锦绣",
    "和谐",
    "幸福",
    "翠园",
    "金桥",
    "玉兰",
    "桂花",
    "梅苑",
    "丽景",
    "春晓",
    "东方",
    "华府",
    "紫荆",
    "银杏",
    "枫林",
    "滨江",
    "龟山",
    "晴川",
    "琴台",
    "知音",
    "月湖",
    "墨水湖",
    "鹦鹉洲",
    "汉江",
    "归元",
    "钟家村",
    "拦江",
    "马沧湖",
    "四新",
    "兴华",
    "长丰",
    "永安",
    "复兴",
    "建设",
    "新华",
    "红旗",
    "文化",
    "工人",
    "友谊",
    "育才",
    "民主",
    "胜利",
    "怡和",
    "嘉禾",
    "盛世",
]
_ESTATE_SUFFIXES = ["小区", "花园", "家园", "新村", "苑", "公寓", "名苑", "雅居"]
_UNIT_HOUSING = [
    "供销社宿舍",
    "化工厂家属院",
    "粮食局宿舍",
    "纺织厂宿舍",
    "机床厂家属院",
    "邮电宿舍",
    "自来水公司宿舍",
]
_COMMUNITY_WORDS = [
    "晴川",
    "鹦鹉",
    "洲头",
    "建桥",
    "琴断口",
    "五里墩",
    "永丰",
    "江堤",
    "龙阳",
    "四新",
    "二桥",
    "米粮",
    "龟北",
    "西大街",
    "显正街",
    "归元",
    "钟家村",
    "拦江堤",
    "马沧湖",
    "墨水湖",
    "芳草",
    "知音",
    "月湖",
    "汉桥",
    "十里铺",
    "国博",
    "锦绣",
    "玫瑰",
    "陶家岭",
    "黄金口",
    "梅子山",
    "赫山",
    "七里",
    "三里坡",
    "郭茨口",
    "翠微",
    "杨泗港",
    "王家湾",
    "江欣苑",
    "鹦鹉花园",
    "弘桥",
    "仙山",
    "太子湖",
    "升官渡",
]

HANYANG_STREETS = [
    "建桥街道",
    "晴川街道",
    "鹦鹉街道",
    "洲头街道",
    "五里墩街道",
    "琴断口街道",
    "江汉二桥街道",
    "永丰街道",
    "江堤街道",
    "龙阳街道",
    "四新街道",
]
HANYANG_COMMUNITIES_PER_STREET = [14, 12, 13, 11, 12, 10, 12, 13, 11, 10, 12]  # 130 communities

ZIBO_LOCAL_CODES = ["370303", "370303", "370303", "370302", "370304", "370305", "370306", "370321", "370322"]
WUHAN_LOCAL_CODES = ["420105", "420105", "420105", "420102", "420103", "420104", "420106", "420111", "420114"]
# Where floating residents come from (other provinces' county-level codes).
MIGRANT_CODES = [
    "411502",
    "411302",
    "410102",
    "341502",
    "341202",
    "510107",
    "511302",
    "430102",
    "431102",
    "360102",
    "362202",
    "320106",
    "130102",
    "500101",
    "522301",
    "450102",
    "421281",
    "420902",
    "421002",
    "372301",
    "371302",
]

# The flagship community (世纪花园社区): 148 buildings, 10 grids of 300–500 households. The source
# also says "8,000+ households", which 10 grids of at most 500 cannot hold; the grids, which the
# demo accounts and the scoping rules are about, win: about 4,000 households. Its estates'
# building counts (flagship_estates) add up to the 148 buildings.
FLAGSHIP_HOUSEHOLDS = 4000
FLAGSHIP_GRIDS = 10
# Its party chain: 158 members on the roll, grid branches of 20–30 members (see demo/party.py).
FLAGSHIP_ROLL = 158
FLAGSHIP_GRID_BRANCH = (20, 30)
# A typical grid holds about this many households (the sources give 300–500).
GRID_HOUSEHOLDS = 400
# Households per community so that the district has about 1,000,000 residents (2.6 a household).
DISTRICT_HOUSEHOLDS = 2950


def flagship_estates(tiny: bool = False) -> list[EstatePlan]:
    if tiny:
        return [
            EstatePlan("世纪花园", EstateKind("company", True, False, "tiny"), "鲁商物业", 12),
            EstatePlan("马尚新村", EstateKind("self", True, False, "tiny"), "", 4),
            EstatePlan("供销社宿舍", EstateKind("none", False, False, "tiny"), "", 4),
        ]
    return [
        EstatePlan("世纪花园", EstateKind("company", True, False, "old"), "鲁商物业", 62),
        EstatePlan("世纪花园二期", EstateKind("company", False, False, "old"), "淄博城投物业", 30),
        EstatePlan("马尚新村", SELF_MANAGED, "", 20),
        EstatePlan("化工厂家属院", UNIT_HOUSING, "", 14),
        EstatePlan("供销社宿舍", THREE_NO, "", 12),
        EstatePlan("粮食局宿舍", THREE_NO, "", 10),
    ]


def _estates(rng: random.Random) -> list[EstatePlan]:
    kinds = [COMPANY, COMPANY_NO_COMMITTEE, SELF_MANAGED, UNIT_HOUSING, THREE_NO]
    weights = [0.45, 0.2, 0.12, 0.08, 0.15]
    names: set[str] = set()
    estates = []
    for _ in range(rng.randint(2, 6)):
        kind = rng.choices(kinds, weights)[0]
        while True:
            if kind is UNIT_HOUSING:
                name = rng.choice(_UNIT_HOUSING)
            else:
                name = rng.choice(_ESTATE_WORDS) + rng.choice(_ESTATE_SUFFIXES)
            if name not in names:
                break
        names.add(name)
        company = rng.choice(PROPERTY_COMPANIES) if kind.management == "company" else ""
        estates.append(EstatePlan(name, kind, company))
    return estates


def _community(rng: random.Random, code: str, name: str, households: int) -> CommunityPlan:
    grids = max(1, round(households / GRID_HOUSEHOLDS))
    return CommunityPlan(code, name, households, grids, _estates(rng))


def _flagship(code: str, name: str, tiny: bool = False) -> CommunityPlan:
    if tiny:  # the same chain in small: 3 members a functional branch, 4–6 a grid branch
        return CommunityPlan(code, name, 240, FLAGSHIP_GRIDS, flagship_estates(tiny=True), 30, (4, 6))
    return CommunityPlan(
        code,
        name,
        FLAGSHIP_HOUSEHOLDS,
        FLAGSHIP_GRIDS,
        flagship_estates(),
        FLAGSHIP_ROLL,
        FLAGSHIP_GRID_BRANCH,
    )


def _community_names(rng: random.Random, n: int, first: str) -> list[str]:
    names = [first]
    words = list(_COMMUNITY_WORDS)
    rng.shuffle(words)
    suffixes = ["社区", "花园社区", "新村社区", "路社区", "街社区"]
    i = 0
    while len(names) < n:
        word = words[i % len(words)]
        candidate = word + (suffixes[i // len(words)] if i >= len(words) else "社区")
        if candidate not in names:
            names.append(candidate)
        i += 1
    return names


def plan(scale: str, rng: random.Random) -> DistrictPlan:
    """The territory of a scale: tiny (tests), community, street or district."""
    if scale in ("tiny", "community", "street"):
        district = DistrictPlan("370303", "张店区", ZIBO_LOCAL_CODES)
        street = StreetPlan("370303005", "马尚街道")
        district.streets.append(street)
        street.communities.append(_flagship("370303005001", "世纪花园社区", tiny=scale == "tiny"))
        if scale == "street":
            others = ["南定社区", "马尚社区", "兴园社区", "东方社区", "新村社区"]
            for i, name in enumerate(others, start=2):
                households = rng.randint(1800, 3500)
                street.communities.append(_community(rng, f"370303005{i:03d}", name, households))
        return district
    if scale != "district":
        raise ValueError(f"unknown scale {scale!r}")
    district = DistrictPlan("420105", "汉阳区", WUHAN_LOCAL_CODES)
    names = iter(_community_names(rng, sum(HANYANG_COMMUNITIES_PER_STREET), "世纪花园社区"))
    for s, (street_name, count) in enumerate(
        zip(HANYANG_STREETS, HANYANG_COMMUNITIES_PER_STREET, strict=True)
    ):
        street = StreetPlan(f"420105{s + 1:03d}", street_name)
        district.streets.append(street)
        for c in range(1, count + 1):
            code = f"{street.code}{c:03d}"
            if s == 0 and c == 1:
                street.communities.append(_flagship(code, next(names)))
            else:
                households = round(DISTRICT_HOUSEHOLDS * rng.uniform(0.7, 1.3))
                street.communities.append(_community(rng, code, next(names), households))
    return district
