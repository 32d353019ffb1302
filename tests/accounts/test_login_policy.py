"""Login policy after 等保2.0 level 3: lock-out, password rules and age, idle timeout, second factor."""

import datetime

import pyotp
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from jiceng.accounts import services
from jiceng.accounts.models import User
from jiceng.audit.models import AuditEvent
from tests.conftest import PASSWORD, World


def _login(client: Client, username: str, password: str) -> Client:
    client.post("/accounts/login/", {"username": username, "password": password})
    return client


def test_a_correct_password_logs_in_and_is_audited(world: World):
    client = _login(Client(), "grid01", PASSWORD)
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor_name="grid01").exists()


def test_five_failures_lock_the_account_for_thirty_minutes(world: World):
    client = Client()
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "grid01", "password": "wrong"})
    assert "已锁定30分钟" in response.content.decode()
    user = User.objects.get(username="grid01")
    assert user.is_locked
    assert abs((user.locked_until - timezone.now()) - datetime.timedelta(minutes=30)) < datetime.timedelta(
        minutes=1
    )
    # Even the right password is refused while locked.
    _login(client, "grid01", PASSWORD)
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="locked", object_id=str(user.pk)).count() == 1


def test_the_lock_ends_after_its_time(world: World):
    User.objects.filter(username="grid01").update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    client = _login(Client(), "grid01", PASSWORD)
    assert client.get("/").status_code == 200


def test_four_failures_then_success_resets_the_count(world: World):
    client = Client()
    for _ in range(4):
        client.post("/accounts/login/", {"username": "grid01", "password": "wrong"})
    _login(client, "grid01", PASSWORD)
    assert User.objects.get(username="grid01").failed_logins == 0


def test_the_security_admin_unlocks_an_account(world: World):
    User.objects.filter(username="grid01").update(
        locked_until=timezone.now() + datetime.timedelta(minutes=30)
    )
    response = world.client("security").post(f"/accounts/users/{world.users['grid01'].pk}/unlock/")
    assert response.status_code == 302
    assert not User.objects.get(username="grid01").is_locked


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!xyz", "8"),
        ("abcdefgh1!", "4类"),
        ("ABCDEFGH1!", "4类"),
        ("Abcdefghij!", "4类"),
        ("Abcdefgh12", "4类"),
    ],
)
def test_passwords_need_eight_characters_of_four_classes(world: World, password: str, reason: str):
    with pytest.raises(ValidationError) as exc:
        services.set_password(actor=world.users["grid01"], user=world.users["grid01"], password=password)
    assert reason in " ".join(exc.value.messages)


def test_a_compliant_password_is_accepted_and_dated(world: World):
    user = world.users["grid01"]
    services.set_password(actor=user, user=user, password="Wangge#2026a")
    user.refresh_from_db()
    assert user.check_password("Wangge#2026a")
    assert timezone.now() - user.password_changed_at < datetime.timedelta(seconds=5)


def test_a_password_older_than_ninety_days_must_be_changed_first(world: World):
    User.objects.filter(username="grid01").update(
        password_changed_at=timezone.now() - datetime.timedelta(days=91)
    )
    client = world.client("grid01")
    response = client.get("/people/search/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/password/")
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "Wangge#2026a", "new_password2": "Wangge#2026a"},
    )
    assert response.status_code == 302
    assert client.get("/people/search/").status_code == 200


def test_sessions_end_after_thirty_idle_minutes(world: World, settings):
    from django.contrib.sessions.models import Session

    client = _login(Client(), "grid01", PASSWORD)
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert client.session.get_expiry_age() == 30 * 60
    key = client.session.session_key
    # Activity renews the expiry (at most once a minute); idleness lets it run out.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    session = client.session
    session["touched"] = 0
    session.save()
    assert client.get("/").status_code == 200
    left = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < left <= datetime.timedelta(minutes=30)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/").status_code == 302  # idle past the limit: back to the login page


@pytest.mark.parametrize("persona", ["sysadmin", "security", "auditor"])
def test_administrators_must_enrol_a_second_factor_before_they_are_logged_in(world: World, persona: str):
    username = world.users[persona].username
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response["Location"] == "/accounts/totp/enroll/"
    assert client.get("/").status_code == 302  # not logged in yet
    page = client.get("/accounts/totp/enroll/").content.decode()
    secret = page.split('data-testid="totp-secret">')[1].split("<")[0]
    response = client.post("/accounts/totp/enroll/", {"code": "000000"})
    assert "动态口令不正确" in response.content.decode()
    client.post("/accounts/totp/enroll/", {"code": pyotp.TOTP(secret).now()})
    assert client.get("/").status_code == 200
    assert User.objects.get(username=username).totp_enabled


def test_an_enrolled_user_is_asked_for_the_code(world: World):
    user = world.users["grid01"]
    secret = pyotp.random_base32()
    User.objects.filter(pk=user.pk).update(totp_secret=secret, totp_enabled=True)
    client = Client()
    response = client.post("/accounts/login/", {"username": "grid01", "password": PASSWORD})
    assert response["Location"] == "/accounts/login/totp/"
    client.post(
        "/accounts/login/totp/", {"code": "123456" if pyotp.TOTP(secret).now() != "123456" else "654321"}
    )
    assert client.get("/").status_code == 302
    client.post("/accounts/login/totp/", {"code": pyotp.TOTP(secret).now()})
    assert client.get("/").status_code == 200


def test_the_totp_secret_is_encrypted_at_rest(world: World):
    from django.db import connection

    user = world.users["grid01"]
    User.objects.filter(pk=user.pk).update(totp_secret="JBSWY3DPEHPK3PXP")
    with connection.cursor() as cursor:
        cursor.execute("SELECT totp_secret FROM accounts_user WHERE id = %s", [user.pk])
        stored = cursor.fetchone()[0]
    assert "JBSWY3DPEHPK3PXP" not in stored
    assert User.objects.get(pk=user.pk).totp_secret == "JBSWY3DPEHPK3PXP"


def test_only_the_security_admin_manages_accounts(world: World):
    for persona in ("sysadmin", "auditor", "secretary", "district"):
        assert world.client(persona).get("/accounts/users/").status_code == 403
    assert world.client("security").get("/accounts/users/").status_code == 200
    response = world.client("security").post(
        "/accounts/users/", {"username": "newgrid", "display_name": "新网格员", "password": "Xin#wang2026"}
    )
    assert response.status_code == 302
    new = User.objects.get(username="newgrid")
    response = world.client("security").post(
        f"/accounts/users/{new.pk}/", {"role": "grid_worker", "area_code": world.grid2.code}
    )
    assert new.role_bindings.get().area == world.grid2


def test_the_security_admin_links_an_account_to_a_resident_by_id_number(world: World):
    new = services.create_user(actor=world.users["security"], username="zhangsan", password="Qiu#yue7Lan")
    client = world.client("security")
    client.post(f"/accounts/users/{new.pk}/link-resident/", {"id_number": "110105194912310021"})
    assert User.objects.get(pk=new.pk).resident_id is None  # a wrong check character
    client.post(f"/accounts/users/{new.pk}/link-resident/", {"id_number": world.resident1.id_number})
    assert User.objects.get(pk=new.pk).resident_id == world.resident1.pk
    client.post(f"/accounts/users/{new.pk}/", {"role": "resident", "area_code": world.community.code})
    assert new.role_bindings.get().role == "resident"
    page = client.get(f"/accounts/users/{new.pk}/").content.decode()
    assert "张三" not in page and world.resident1.id_number not in page


def test_createadmin_makes_one_of_the_three_administrators(db):
    import io

    from django.core.management import CommandError, call_command

    call_command(
        "createadmin", "sec", "--role", "security_admin", "--password", "An#quan2026x", stdout=io.StringIO()
    )
    user = User.objects.get(username="sec")
    assert [(b.role, b.area) for b in user.role_bindings.all()] == [("security_admin", None)]
    assert user.needs_second_factor
    assert AuditEvent.objects.filter(action="create", object_id=str(user.pk)).exists()
    with pytest.raises(CommandError):
        call_command("createadmin", "weak", "--password", "short", stdout=io.StringIO())
    assert not User.objects.filter(username="weak").exists()
