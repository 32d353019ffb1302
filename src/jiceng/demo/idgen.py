"""Valid-looking personal data for demo and test data: ID numbers with the right check
character (GB 11643), mobile numbers of real Chinese carrier prefixes, common names."""

import datetime
import random

from stdnum.iso7064 import mod_11_2

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波宇浩凯健俊帆国建文斌志峰东海林春晨阳"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英梅琳雪倩婷慧颖洁琴云莉兰红燕萍晶佳欣怡悦"
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "170",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]


def id_number(rng: random.Random, area: str, birth: datetime.date, male: bool) -> str:
    """An 18-character ID number: 6-digit area, birth date, sequence (odd for men), check character."""
    seq = rng.randrange(0, 100) * 10 + rng.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8])
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + mod_11_2.calc_check_digit(body)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(0, 10**8):08d}"


def name(rng: random.Random, male: bool) -> str:
    given = GIVEN_MALE if male else GIVEN_FEMALE
    return rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice([1, 2, 2])))


# Rough frequency of the surnames above: the first few (王李张刘陈) carry about 30 % of people.
SURNAME_WEIGHTS = [1.0 / (rank + 8) for rank in range(len(SURNAMES))]


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, male: bool) -> str:
    given = GIVEN_MALE if male else GIVEN_FEMALE
    return "".join(rng.choice(given) for _ in range(rng.choice([1, 2, 2])))
