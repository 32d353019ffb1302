"""`jiceng token create USER [--name N]`: a personal access token, printed alone on the last line."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jiceng.accounts.models import ApiToken, User
from jiceng.audit import services as audit
from jiceng.audit.models import Action


class Command(BaseCommand):
    help = "Create or list personal access tokens for the API"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", default="cli")
        listing = sub.add_parser("list")
        listing.add_argument("username")

    def handle(self, *args: Any, action: str, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户 {username} / no such user")
        if action == "list":
            for row in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
                self.stdout.write(f"{row.hint}…  {row.name}  {row.created_at:%Y-%m-%d}")
            return
        with transaction.atomic():
            row, token = ApiToken.issue(user, options["name"])
            audit.record(
                None, Action.TOKEN, row, object_repr=f"{username}: {row}", outcome="issued", reason="cli"
            )
        self.stdout.write(
            f"token for {username} ({options['name']}); use it as 'Authorization: Bearer <token>'"
        )
        self.stdout.write(token)
