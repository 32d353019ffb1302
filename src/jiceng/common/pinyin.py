"""Pinyin keys so a name can be found by full pinyin or initials (张三: `zhangsan`, `zs`)."""

from pypinyin import Style, lazy_pinyin


def full_pinyin(name: str) -> str:
    return "".join(lazy_pinyin(name, errors="ignore")).lower()


def initials(name: str) -> str:
    return "".join(p[:1] for p in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()


def keys(name: str) -> tuple[str, str]:
    """`(full_pinyin(name), initials(name))` from one conversion: the first letter of each
    syllable is what Style.FIRST_LETTER gives."""
    syllables = lazy_pinyin(name, errors="ignore")
    return "".join(syllables).lower(), "".join(p[:1] for p in syllables).lower()
