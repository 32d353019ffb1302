from django.db import migrations


def seed(apps, schema_editor):
    from jiceng.appeals.defaults import seed as seed_categories

    seed_categories(apps.get_model("appeals", "Category"))


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
