"""`jiceng createadmin USERNAME --role security_admin`: the first administrators of a new installation.

A fresh system has nobody who may create accounts, so this command (run by whoever operates the
server) creates one of the three administrators directly; every later account is made in the
security administrator's pages.
"""

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jiceng.accounts.models import RoleBinding, User
from jiceng.accounts.roles import GLOBAL_ROLES
from jiceng.audit import services as audit
from jiceng.audit.models import Action


class Command(BaseCommand):
    help = "Create a system, security or audit administrator"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(GLOBAL_ROLES), default="security_admin")
        parser.add_argument("--password", help="read from the terminal when omitted")

    def handle(self, *args: Any, username: str, role: str, password: str | None, **options: Any) -> None:
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户 {username} 已存在 / user exists")
        password = password or getpass.getpass("密码 / password: ")
        user = User(username=username)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        with transaction.atomic():
            user.set_password(password)
            user.save()
            RoleBinding.objects.create(user=user, role=role)
            audit.record(None, Action.CREATE, user, fields=["username", "role"], reason="createadmin")
        self.stdout.write(f"created {username} ({role}); a second factor is set up at first login")
