#!/usr/bin/env bash
# Extract every translatable string into the English catalog, keeping existing translations.
# The steps are explained in docs/i18n.md. Run from the repository root: `make messages-extract`.
set -euo pipefail
cd src/jiceng
# 1. Python files and most template strings; --keep-pot leaves locale/django.pot behind.
JICENG_DEBUG=1 ../../.venv/bin/django-admin makemessages -l en -e html,py \
    --settings=jiceng.settings --pythonpath=.. --ignore=static --keep-pot
# 2. Every gettext call in the Jinja templates, as a second .pot.
../../.venv/bin/python - > /tmp/jiceng-jinja.pot <<'EOF'
import pathlib, sys
from jinja2.ext import babel_extract

refs = {}
for path in sorted(pathlib.Path(".").glob("**/jinja2/**/*.html")):
    with path.open("rb") as f:
        for line, _func, message, _comments in babel_extract(f, ("_", "gettext"), [], {}):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                refs.setdefault(msgid, []).append(f"{path}:{line}")

def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

print('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
for msgid, where in refs.items():
    flag = "#, python-format\n" if "%(" in msgid else ""
    print(f"#: {' '.join(where)}\n{flag}msgid {quote(msgid)}\nmsgstr \"\"\n")
EOF
# 3. Python strings marked with the `_l` alias of gettext_lazy, which makemessages does not know.
find . -name '*.py' -not -path './static/*' -not -path '*/migrations/*' | sort \
    | xgettext --language=Python --from-code=UTF-8 --keyword= --keyword=_l --force-po -f - -o /tmp/jiceng-lazy.pot
# 4. Merge all three into the catalog (this also revives the entries step 1 marked obsolete).
msgcat --use-first locale/django.pot /tmp/jiceng-jinja.pot /tmp/jiceng-lazy.pot -o /tmp/jiceng-all.pot
msgmerge -q --previous --backup=none -U locale/en/LC_MESSAGES/django.po /tmp/jiceng-all.pot
rm locale/django.pot
