"""The roster framework: columns, reading a sheet with calamine, and per-row errors.

A roster (buildings, households, residents …) declares its columns; the framework reads the
uploaded sheet, converts every cell to a Python value and collects errors with the sheet name,
the Excel row number (the header is row 1) and the column header, so that a community worker can
find and fix each one. The roster then checks the rows against each other and the database and
writes them in bulk (see `Roster.check` and `Roster.write`).
"""

import datetime
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from jiceng.accounts.roles import Perm
from jiceng.audit.services import Entry

Progress = Callable[[int], None]
# Report progress every this many rows: often enough for a smooth bar, rarely enough to be free.
PROGRESS_STEP = 2000
# Tags in one cell may be separated by any of these (Chinese and Latin punctuation).
TAG_SEPARATORS = re.compile(r"[,，、;；\s]+")


@dataclass(frozen=True)
class Column:
    key: str
    header: str | Promise
    kind: str = "text"  # text, int, date, choice, id, phone, tags
    required: bool = False
    choices: type[models.TextChoices] | None = None
    allowed: tuple[str, ...] = ()  # a subset of `choices` accepted on import
    max_length: int = 0
    example: Any = ""
    width: int = 14
    hint: str | Promise = ""
    dropdown: bool = True  # offer the choices as a drop-down in the template

    @property
    def title(self) -> str:
        return str(self.header)

    @property
    def zh_title(self) -> str:
        with translation.override("zh-hans"):
            return str(self.header)

    def options(self) -> list[str]:
        """The labels offered in the template's drop-down, in the current language."""
        if self.choices is None:
            return []
        values = self.allowed or tuple(self.choices.values)
        labels = dict(self.choices.choices)
        return [str(labels[v]) for v in values]

    def choice_map(self) -> dict[str, str]:
        """Label (Chinese or the current language) or stored value → stored value."""
        assert self.choices is not None
        values = self.allowed or tuple(self.choices.values)
        mapping = {v: v for v in values}
        for value, label in self.choices.choices:
            if value in values:
                mapping[str(label)] = value
                with translation.override("zh-hans"):
                    mapping[str(label)] = value
        return mapping


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    col: int | None = None  # 1-based column of the uploaded sheet, to highlight the cell

    def as_dict(self, sheet: str) -> dict[str, Any]:
        return {
            "sheet": sheet,
            "row": self.row,
            "column": self.column,
            "col": self.col,
            "message": self.message,
        }


@dataclass
class Row:
    number: int  # Excel row number
    values: dict[str, Any]


@dataclass
class Sheet:
    name: str
    header: list[str]
    positions: dict[str, int]  # column key → 0-based position in the uploaded sheet
    rows: list[tuple[int, list[Any]]]


@dataclass
class Plan:
    """What validation decided: the rows to write and the errors of the others."""

    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def error_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})


class CellError(Exception):
    pass


def _text(raw: Any) -> str:
    if type(raw) is str:  # most cells: checked first
        return raw.strip()
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat()
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    return str(raw).strip()


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def _date(raw: Any) -> datetime.date | None:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = _text(raw)
    if not text:
        return None
    m = _DATE.match(text) or (re.match(r"^(\d{4})(\d{2})(\d{2})$", text) if len(text) == 8 else None)
    if m:
        try:
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise CellError(_("日期格式不正确，请填写如 2020-03-15"))


def convert(column: Column, raw: Any, choice_map: dict[str, str] | None = None) -> Any:
    """Turn one cell into the value the roster works with, or raise CellError with the reason."""
    kind = column.kind
    if kind == "date":
        return _date(raw)
    if kind == "id" and isinstance(raw, float) and not raw.is_integer():
        raise CellError(_("身份证号码被Excel当成了数字，请把该列设为“文本”格式后重新填写"))
    if kind == "id" and isinstance(raw, int | float) and abs(raw) >= 2**53:
        raise CellError(_("身份证号码被Excel当成了数字，请把该列设为“文本”格式后重新填写"))
    text = _text(raw)
    if not text:
        return None
    if column.max_length and len(text) > column.max_length:
        raise CellError(_("内容过长，最多%(n)d个字") % {"n": column.max_length})
    if kind == "int":
        if not text.isdigit() or int(text) < 1:
            raise CellError(_("应填写正整数"))
        return int(text)
    if kind == "choice":
        assert choice_map is not None
        value = choice_map.get(text)
        if value is None:
            raise CellError(_("“%(value)s”不是可选的值，请从下拉列表中选择") % {"value": text})
        return value
    if kind == "tags":
        return [t for t in TAG_SEPARATORS.split(text) if t]
    return text


class Roster:
    """One kind of roster. Subclasses declare `kind`, `sheet_title`, `columns` and implement
    `check` (cross-row and database checks) and `write` (bulk inserts, returns audit entries).

    The permissions are the kind's own: the party chain's rosters are imported and exported with
    the party permissions, the registry's with the people permissions."""

    kind: str
    sheet_title: str | Promise
    columns: tuple[Column, ...]
    import_permission: str = Perm.PEOPLE_IMPORT
    export_permission: str = Perm.PEOPLE_EXPORT
    # Rosters of people are exported only for a stated purpose (个人信息保护法): the message asking for it.
    export_purpose: str | Promise = ""

    @property
    def sheet_name(self) -> str:
        return str(self.sheet_title)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def read(self, data: bytes) -> Sheet:
        """Read the roster's sheet (by name, else the first) with calamine and map its headers."""
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except (CalamineError, ValueError, OSError):
            raise ValidationError(_("无法读取文件，请上传由模板填写的 .xlsx 文件")) from None
        names = workbook.sheet_names
        if not names:
            raise ValidationError(_("文件中没有工作表"))
        with translation.override("zh-hans"):
            zh_name = str(self.sheet_title)
        name = next((n for n in names if n in (self.sheet_name, zh_name)), names[0])
        cells = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if not cells:
            raise ValidationError(_("工作表“%(sheet)s”是空的") % {"sheet": name})
        header = [_text(h).rstrip("*＊").strip() for h in cells[0]]
        positions: dict[str, int] = {}
        for column in self.columns:
            for title in (column.title, column.zh_title):
                if title in header:
                    positions[column.key] = header.index(title)
                    break
        missing = [c.title for c in self.columns if c.required and c.key not in positions]
        if missing:
            raise ValidationError(
                _("工作表“%(sheet)s”缺少列：%(columns)s。请使用本系统下载的模板")
                % {"sheet": name, "columns": "、".join(missing)}
            )
        examples = [[_text(x) for x in example] for example in self.example_rows()]
        picks = [(i, positions[c.key]) for i, c in enumerate(self.columns) if c.key in positions]

        def is_example(row: list[Any]) -> bool:
            # The template's example row, left in place, is not data.
            return any(
                all(_text(row[pos] if pos < len(row) else None) == example[i] for i, pos in picks)
                for example in examples
            )

        rows = [
            (number, row)
            for number, row in enumerate(cells[1:], start=2)
            if any(cell not in (None, "") for cell in row) and not is_example(row)
        ]
        return Sheet(name=name, header=header, positions=positions, rows=rows)

    def parse(self, sheet: Sheet, errors: list[RowError], progress: Progress | None = None) -> list[Row]:
        """Convert every cell; rows with a cell error are reported and left out."""
        columns = [
            (c, sheet.positions.get(c.key), c.choice_map() if c.kind == "choice" else None)
            for c in self.columns
        ]
        parsed = []
        for i, (number, cells) in enumerate(sheet.rows, start=1):
            values: dict[str, Any] = {}
            ok = True
            for column, pos, choice_map in columns:
                raw = cells[pos] if pos is not None and pos < len(cells) else None
                try:
                    value = convert(column, raw, choice_map)
                except CellError as exc:
                    errors.append(self.error(sheet, number, column.key, str(exc)))
                    ok = False
                    continue
                if value is None and column.required:
                    errors.append(self.error(sheet, number, column.key, _("必填项，请填写")))
                    ok = False
                values[column.key] = value
            if ok:
                parsed.append(Row(number, values))
            if progress and i % PROGRESS_STEP == 0:
                progress(i)
        return parsed

    def error(self, sheet: Sheet, row: int, key: str, message: str) -> RowError:
        pos = sheet.positions.get(key)
        title = sheet.header[pos] if pos is not None else self.column(key).title
        return RowError(row=row, column=title, message=message, col=pos + 1 if pos is not None else None)

    def check(self, user: Any, sheet: Sheet, rows: list[Row], plan: Plan) -> None:
        raise NotImplementedError

    def write(self, user: Any, plan: Plan) -> tuple[dict[str, int], list[Entry]]:
        raise NotImplementedError

    def example_rows(self) -> Iterable[list[Any]]:
        yield [c.example for c in self.columns]

    def export_rows(self, actor: Any, area: str) -> Iterable[list[Any]]:
        """The rows `actor` may export (under `area` if given), in the template's columns.

        The registry's own rosters are exported by rosters/exports.py; a roster that an app
        registers (registry.register) answers here, scoped by its own visible_to."""
        raise NotImplementedError
