"""The working-day calendar: public holidays and make-up working days (调休), year by year.

The State Council publishes each year's schedule late in the year before. Days not listed follow
the week: Monday to Friday work, Saturday and Sunday rest. A year is `complete` once its official
schedule has been entered (seeded from chinese-calendar, imported or edited by the system
administrator); for a year without a schedule, deadlines count weekends only and the
administrators are warned.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class Source(models.TextChoices):
    PACKAGE = "package", _("chinese-calendar 数据")
    IMPORT = "import", _("文件导入")
    MANUAL = "manual", _("手工维护")


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    complete = models.BooleanField(_("已录入全年安排"), default=False)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the ordinary week: a holiday, or a weekend day worked in lieu."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("节日"), max_length=50, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
