"""`jiceng import KIND FILE --user USERNAME [--valid-only]`: import a roster workbook."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from jiceng.accounts.models import User
from jiceng.rosters.models import RosterKind
from jiceng.rosters.services import import_rows


class Command(BaseCommand):
    help = "Import a roster (.xlsx): every row is validated first; nothing is written if any fails"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=RosterKind.values)
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="the account the import is done as")
        parser.add_argument("--valid-only", action="store_true", help="write the valid rows, skip the others")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["user"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"no active user {options['user']!r}") from None
        try:
            result = import_rows(
                user,
                options["kind"],
                options["file"],
                valid_only=options["valid_only"],
                label=options["file"],
            )
        except (ValidationError, PermissionDenied, OSError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
        for error in result.errors[:200]:
            self.stdout.write(f"{result.sheet} 第{error.row}行 {error.column}：{error.message}")
        if len(result.errors) > 200:
            self.stdout.write(f"… {len(result.errors) - 200} more")
        if not result.written:
            raise CommandError(f"未导入 / nothing imported: {len(result.error_rows)} row(s) with errors")
        created = ", ".join(f"{k} {n}" for k, n in result.created.items())
        skipped = f"; skipped rows {result.error_rows[:50]}" if result.error_rows else ""
        self.stdout.write(f"imported {result.total_rows - len(result.error_rows)} row(s): {created}{skipped}")
