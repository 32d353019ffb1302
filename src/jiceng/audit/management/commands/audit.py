"""`jiceng audit verify`: walk the hash chain and report any changed or missing row."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiceng.audit.models import AuditEvent
from jiceng.audit.services import verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify())
        for problem in problems:
            self.stdout.write(f"row {problem.seq}: {problem.message}")
        if problems:
            raise CommandError(
                f"审计日志校验失败 / audit log verification failed: {len(problems)} problem(s)"
            )
        self.stdout.write(f"审计日志完整 / audit log intact: {AuditEvent.objects.count()} rows")
