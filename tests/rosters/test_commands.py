"""`jiceng import` and `jiceng export` use the same services as the pages."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from jiceng.audit.models import Action, AuditEvent
from jiceng.people.models import Resident
from tests.rosters.conftest import resident_row, workbook

pytestmark = pytest.mark.django_db


def test_import_command_refuses_a_file_with_errors_unless_valid_only(world, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(
        workbook("residents", [resident_row(10), resident_row(11, id_number="370303198005170010")])
    )
    before = Resident.objects.count()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "residents", str(path), "--user", "secretary", stdout=out)
    assert "第3行 身份证号码：身份证号码校验位错误" in out.getvalue()
    assert Resident.objects.count() == before
    call_command("import", "residents", str(path), "--user", "secretary", "--valid-only", stdout=out)
    assert Resident.objects.count() == before + 1
    assert "skipped rows [3]" in out.getvalue()


def test_export_command_writes_a_masked_workbook_and_audits(world, tmp_path):
    path = tmp_path / "out.xlsx"
    call_command(
        "export",
        "residents",
        "--user",
        "grid01",
        "--output",
        str(path),
        "--purpose",
        "走访",
        stderr=io.StringIO(),
    )
    ws = load_workbook(path).active
    assert ws.max_row == 2 and "*" in ws["G2"].value
    assert AuditEvent.objects.filter(action=Action.EXPORT, reason="走访").exists()
    with pytest.raises(CommandError):
        call_command("export", "residents", "--user", "grid01", "--output", str(path))
