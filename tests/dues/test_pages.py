"""The dues pages and API."""

import datetime
import io
import json
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jiceng.dues import services
from jiceng.dues.models import Payment
from tests.conftest import World
from tests.dues.factories import their_assessment
from tests.party.factories import party_world

TODAY = timezone.localdate()


def test_the_secretary_records_a_month_for_ticked_members_on_the_ledger(world: World):
    pw = party_world(world)
    services.assess(
        actor=world.users["secretary"],
        member=pw.member1,
        category="retired",
        base=Decimal(3000),
        effective_from=datetime.date(TODAY.year, 1, 1),
        reason="年度核定",
    )
    month = TODAY.strftime("%Y-%m")
    client = world.client("secretary")
    page = client.get(reverse("dues:index"), {"organisation": pw.branch1.pk, "month": month}).content.decode()
    assert "张三" in page and "15.00" in page
    client.post(
        reverse("dues:pay", args=[pw.branch1.pk]),
        {
            "member": [pw.member1.pk],
            "month": month,
            "method": "wechat",
            "paid_on": TODAY.isoformat(),
        },
    )
    assert Payment.objects.get().amount == Decimal("15.00")


def test_the_pay_base_is_shown_to_the_member_and_managers_only(world: World):
    assessment = their_assessment(world)  # 王五, grid 2's branch
    pw = party_world(world)
    url = reverse("dues:member", args=[pw.member2.pk])
    assert "4200" in world.client("secretary").get(url).content.decode()
    street = world.client("street").get(url)
    assert (
        street.status_code == 200
        and "4200" not in street.content.decode()
        and str(assessment.amount) in street.content.decode()
    )
    assert world.client("member").get(url).status_code == 404  # 张三 manages branch 1 only


def test_a_member_opening_dues_sees_their_own_page(world: World):
    pw = party_world(world)
    world.users["member"].role_bindings.all()  # 张三 sits on branch 1's committee: sees the branch ledger
    response = world.client("member").get(reverse("dues:index"))
    assert response.status_code == 200 and pw.branch1.name in response.content.decode()


def test_the_report_exports_to_excel(world: World):
    their_assessment(world)
    pw = party_world(world)
    response = world.client("secretary").get(
        reverse("dues:report"),
        {
            "organisation": pw.branch2.pk,
            "first": f"{TODAY.year}-01",
            "last": TODAY.strftime("%Y-%m"),
            "format": "xlsx",
        },
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == pw.branch2.name and rows[1][2] == 1
    assert any(r and r[0] == "王五" for r in rows[3:])


def test_the_api_records_a_payment_and_reports(world: World):
    their_assessment(world)
    pw = party_world(world)
    client = world.client("secretary")
    paid = client.post(
        f"/api/v1/dues/members/{pw.member2.pk}/payments",
        json.dumps({"month": f"{TODAY.year}-01-01", "method": "alipay"}),
        content_type="application/json",
    )
    assert paid.status_code == 201 and paid.json()["amount"] == "21.00"
    report = client.get("/api/v1/dues/report", {"organisation": pw.branch2.pk}).json()
    assert Decimal(report["collected"]) == Decimal("21.00")
    assert (
        world.client("grid01").get("/api/v1/dues/ledger", {"organisation": pw.branch2.pk}).status_code == 404
    )
    mine = world.client("street").get(f"/api/v1/dues/members/{pw.member2.pk}").json()
    assert mine["assessments"][0]["base"] is None
