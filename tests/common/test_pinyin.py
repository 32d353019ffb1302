"""Pinyin keys for name search: full pinyin and initials."""

import pytest

from jiceng.common import pinyin


def test_full_pinyin_and_initials():
    assert (pinyin.full_pinyin("张三"), pinyin.initials("张三")) == ("zhangsan", "zs")


@pytest.mark.parametrize(
    "name", ["张三", "单雄信", "曾国藩", "吕布", "欧阳娜娜", "阿依古丽·买买提", "李A", "长孙无忌"]
)
def test_both_keys_from_one_conversion_are_the_two_keys(name):
    # Polyphonic surnames (单, 曾, 长孙), ü (吕), separators and Latin letters.
    assert pinyin.keys(name) == (pinyin.full_pinyin(name), pinyin.initials(name))
