"""The identity sign (亮身份): an A4 landscape PDF door sign, and who may print it."""

import datetime
import re
import zlib

from django.urls import reverse

from jiceng.party import documents
from jiceng.party import services as party
from tests.conftest import World
from tests.party.factories import party_world


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF's objects with their compressed streams inflated, to look for page boxes and fonts."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue  # a stream that is not deflated (none is expected, but it holds no box)
    return b"\n".join(parts)


def test_the_sign_names_the_member_their_organisation_and_the_pledge(world: World):
    p = party_world(world)
    html = documents.identity_sign_html(p.member2)
    assert "共产党员户" in html and "王五" in html and "第二网格党支部" in html
    assert "亮身份" in html and "树形象" in html and "作表率" in html
    assert "世纪花园社区党委" in html  # the community's committee issues it
    # The flag is drawn inline: no image file or address to fetch.
    assert (
        "<svg" in html
        and "#de2910" in html
        and "<img" not in html
        and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )


def test_the_sign_is_one_a4_landscape_page_in_a_chinese_font(world: World):
    p = party_world(world)
    pdf = documents.identity_sign_pdf(p.member1)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", text)
    assert len(boxes) == 1
    width, height = (float(v) for v in boxes[0])
    assert round(width) == 842 and round(height) == 595  # 297 × 210 mm in points
    assert b"Noto-Sans-CJK-SC" in text


def test_a_secretary_prints_the_signs_of_members_in_scope(world: World):
    p = party_world(world)
    response = world.client("secretary").get(reverse("party:identity_sign", args=[p.member2.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert (
        response["Content-Disposition"].startswith("inline;")
        and "filename*=utf-8''" in response["Content-Disposition"]
    )
    # 张三 prints their own (and, as grid 1's secretary, their branch's), not grid 2's.
    member = world.client("member")
    assert member.get(reverse("party:identity_sign", args=[p.member1.pk])).status_code == 200
    assert member.get(reverse("party:identity_sign", args=[p.member2.pk])).status_code == 404


def test_no_sign_for_a_member_who_left(world: World):
    p = party_world(world)
    party.end_membership(
        actor=world.users["secretary"], member=p.member2, on=datetime.date(2026, 1, 1), reason="去世"
    )
    assert (
        world.client("secretary").get(reverse("party:identity_sign", args=[p.member2.pk])).status_code == 403
    )
