"""Workbooks written with openpyxl: the blank template of a roster and the error report."""

import io
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jiceng.people.models import CareTag
from jiceng.rosters.base import Roster

# Drop-downs and text format cover this many rows of the template.
TEMPLATE_ROWS = 20000
HEADER_FILL = PatternFill("solid", fgColor="DCE8F7")
REQUIRED_FILL = PatternFill("solid", fgColor="FDE2E1")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
EXAMPLE_FONT = Font(italic=True, color="808080")


def template(roster: Roster) -> bytes:
    """A blank roster: Chinese headers (required ones shaded), text format for numbers that must
    keep every digit, drop-downs for choice columns, one example row and a sheet of instructions."""
    wb = Workbook()
    ws: Any = wb.active
    ws.title = roster.sheet_name
    ws.append([c.title for c in roster.columns])
    ws.freeze_panes = "A2"
    for i, column in enumerate(roster.columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[letter].width = column.width
        if column.hint:
            cell.comment = Comment(str(column.hint), "jiceng")
        if column.kind in ("text", "id"):
            # Text format: Excel would turn an ID number into 3.70303E+17 and lose digits.
            ws.column_dimensions[letter].number_format = "@"
        options = column.options() if column.dropdown else []
        if options:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(options) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=_("请从列表中选择"),
                error=_("可选：%(options)s") % {"options": "、".join(options)},
            )
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(validation)
    for example in roster.example_rows():
        ws.append(example)
        for cell in ws[ws.max_row]:
            cell.font = EXAMPLE_FONT
            if isinstance(cell.value, str):
                cell.number_format = "@"
    ws.cell(row=2, column=1).comment = Comment(_("示例行：原样保留会被跳过，填写时可删除"), "jiceng")
    _instructions(wb, roster)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _instructions(wb: Workbook, roster: Roster) -> None:
    ws: Any = wb.create_sheet(_("填写说明"))
    ws.append([_("列"), _("必填"), _("可填写的值"), _("说明")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for column in roster.columns:
        values = "、".join(column.options())
        if column.kind == "tags":
            values = "、".join(CareTag.objects.filter(active=True).values_list("name", flat=True))
        elif column.kind == "date":
            values = "2020-03-15"
        ws.append([column.title, _("是") if column.required else "", values, str(column.hint)])
    ws.append([])
    ws.append([_("第1行是表头，请勿修改；数据从第2行开始。灰色斜体的示例行原样保留时不会导入。")])
    for letter, width in zip("ABCD", (14, 6, 50, 60), strict=True):
        ws.column_dimensions[letter].width = width


def error_report(data: bytes, errors: list[dict[str, Any]]) -> bytes:
    """The uploaded workbook itself, with an error column and each faulty cell highlighted."""
    wb = load_workbook(io.BytesIO(data))
    sheet_name = errors[0]["sheet"] if errors else wb.sheetnames[0]
    ws: Any = wb[sheet_name] if sheet_name in wb.sheetnames else wb.worksheets[0]
    title = _("错误说明")
    header = [c.value for c in ws[1]]
    target = header.index(title) + 1 if title in header else ws.max_column + 1
    head = ws.cell(row=1, column=target, value=title)
    head.font = Font(bold=True, color="C00000")
    ws.column_dimensions[get_column_letter(target)].width = 60
    by_row: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        by_row[error["row"]].append(
            f"{error['column']}：{error['message']}" if error["column"] else error["message"]
        )
        if error.get("col"):
            ws.cell(row=error["row"], column=error["col"]).fill = ERROR_FILL
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=target, value="；".join(by_row.get(row, [])) or None)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
