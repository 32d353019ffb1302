"""`jiceng export KIND --user USERNAME [--area CODE] [--output F] [--purpose TEXT] [--reveal]`."""

import shutil
import sys
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from jiceng.accounts.models import User
from jiceng.rosters.exports import export_roster
from jiceng.rosters.models import RosterKind


class Command(BaseCommand):
    help = "Export a roster to .xlsx (numbers masked unless --reveal with a purpose); audited"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=RosterKind.values)
        parser.add_argument("--user", required=True)
        parser.add_argument("--area", default="", help="area code prefix")
        parser.add_argument("--q", default="", help="search text (residents)")
        parser.add_argument("--output", default="", help="file to write (default: stdout)")
        parser.add_argument("--purpose", default="", help="why the data is exported (required for residents)")
        parser.add_argument("--reveal", action="store_true", help="full ID and phone numbers")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["user"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"no active user {options['user']!r}") from None
        try:
            result = export_roster(
                actor=user,
                kind=options["kind"],
                area=options["area"],
                q=options["q"],
                purpose=options["purpose"],
                reveal=options["reveal"],
            )
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
        with result.file:
            if options["output"]:
                with open(options["output"], "wb") as out:
                    shutil.copyfileobj(result.file, out)
                self.stderr.write(f"exported {result.rows} row(s) to {options['output']}")
            else:
                shutil.copyfileobj(result.file, sys.stdout.buffer)
