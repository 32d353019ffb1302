from django.db import migrations

# Health and financial circumstances are sensitive personal information (个人信息保护法 art. 28).
DEFAULT_TAGS = [
    ("elderly_alone", "独居老人", False),
    ("left_behind_child", "留守儿童", False),
    ("disabled", "残疾人", True),
    ("minimum_allowance", "低保户", True),
    ("in_difficulty", "困难家庭", True),
    ("veteran", "退役军人", False),
    ("key_concern", "重点关注", True),
]


def add_tags(apps, schema_editor):
    CareTag = apps.get_model("people", "CareTag")
    for order, (code, name, sensitive) in enumerate(DEFAULT_TAGS):
        CareTag.objects.get_or_create(
            code=code, defaults={"name": name, "sensitive": sensitive, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
