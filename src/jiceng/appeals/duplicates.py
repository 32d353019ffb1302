"""Possible duplicates of a new appeal: open appeals of the same category from the same building
(or household), whose text is similar — jieba keywords compared with rapidfuzz. Offered to the
person taking the appeal, who decides whether to merge (services.merge)."""

import logging
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from jiceng.appeals.models import OPEN_STATUSES, Appeal, Category
from jiceng.people.models import Household
from jiceng.territory.models import Building

# Scores from 0 to 100; at or above this, an open appeal is offered as a possible duplicate.
THRESHOLD = 60
LIMIT = 5


def keywords(text: str) -> list[str]:
    """The text's keywords (jieba's TF-IDF extraction), at most eight."""
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)  # not the dictionary-loading chatter on every start
    return list(jieba.analyse.extract_tags(text, topK=8))


def load_dictionary() -> None:
    """Load jieba's dictionary and its IDF table now (about 1.3 s of CPU), not in the first
    appeal a web worker takes: called when the WSGI application starts (wsgi.py)."""
    keywords("加载词典")


def similarity(text: str, words: list[str], other: Appeal) -> float:
    """The better of keyword overlap (order-free) and plain text similarity."""
    by_keywords = fuzz.token_set_ratio(" ".join(words), other.keywords) if words and other.keywords else 0.0
    return max(by_keywords, fuzz.ratio(text, other.text))


@dataclass(frozen=True)
class Candidate:
    appeal: Appeal
    score: float


def _most_similar(qs: Any, text: str) -> list[Candidate]:
    words = keywords(text)
    scored = [Candidate(a, similarity(text, words, a)) for a in qs.order_by("-created_at")[:200]]
    found = [c for c in scored if c.score >= THRESHOLD]
    return sorted(found, key=lambda c: -c.score)[:LIMIT]


def similar_open_appeals(
    user: Any,
    *,
    category: Category,
    text: str,
    building: Building | None = None,
    household: Household | None = None,
    exclude: Appeal | None = None,
) -> list[Candidate]:
    """Open appeals the user may see, same category and same building, most similar first."""
    if household is not None:
        building = household.building
    if building is None:
        return []
    qs = Appeal.objects.visible_to(user).filter(
        category=category, building=building, status__in=OPEN_STATUSES
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return _most_similar(qs, text)


@dataclass(frozen=True)
class Offer:
    """What is offered while an appeal is written. Staff see the similar open appeals of the
    building; a resident sees their own, and only how many neighbours raised something similar
    and how far it has got, never who nor what they wrote."""

    appeals: list[Candidate]
    others: int = 0
    others_status: str = ""


def offer(
    user: Any,
    *,
    staff: bool,
    category: Category,
    text: str,
    building: Building | None = None,
    household: Household | None = None,
) -> Offer:
    if len(text.strip()) < 5:
        return Offer([])
    if staff:
        return Offer(
            similar_open_appeals(user, category=category, text=text, building=building, household=household)
        )
    if household is None:
        return Offer([])
    qs = Appeal.objects.filter(category=category, building_id=household.building_id, status__in=OPEN_STATUSES)
    found = _most_similar(qs, text)
    others = [c for c in found if c.appeal.submitter_id != user.pk]
    return Offer(
        [c for c in found if c.appeal.submitter_id == user.pk],
        others=len(others),
        others_status=others[0].appeal.status if others else "",
    )
