"""`jiceng demo --scale community|street|district [--seed N] [--if-empty]`: load demo data."""

from typing import Any

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from jiceng.demo.accounts import print_demo_logins
from jiceng.demo.generator import HIDDEN_SCALES, SCALES, DemoError, generate
from jiceng.territory.models import Area


class Command(BaseCommand):
    help = (
        "Generate demo data: a community (~4,000 households), a street, or a district (~1,000,000 residents)"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--scale", choices=SCALES + HIDDEN_SCALES, default="community", metavar="|".join(SCALES)
        )
        parser.add_argument("--seed", type=int, default=2026, help="the same seed gives the same data")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if any area exists")

    def handle(self, *args: Any, scale: str, seed: int, if_empty: bool, **options: Any) -> None:
        if if_empty and Area.objects.exists():
            self.stdout.write("已有数据，跳过演示数据 / data present, demo data skipped")
            return
        self.stdout.write(f"generating {scale} demo data (seed {seed}) …")
        try:
            generate(scale, seed, progress=self.stdout.write)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        cache.clear()  # dashboard figures of any earlier data must not outlive it
        print_demo_logins(self.stdout)
