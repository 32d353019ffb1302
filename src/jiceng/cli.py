"""`jiceng <command>`: every manage.py command, plus `run` and `worker`.

`demo`, `import`, `export`, `token`, `audit` and `createadmin` are management commands of the
apps, so `jiceng migrate`, `jiceng shell` and the rest pass straight through to Django.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "jiceng"
    if len(args) > 1 and args[1] == "worker":
        args[1:2] = ["run_huey"]
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
