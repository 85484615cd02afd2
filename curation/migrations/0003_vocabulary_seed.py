"""The starting vocabulary (docs/curation.md). Safe on a database that already holds some of the terms."""

from django.db import migrations

from curation.vocabulary_seed import seed_vocabulary


def seed(apps, schema_editor):
    seed_vocabulary(apps.get_model("curation", "Term"))


class Migration(migrations.Migration):
    dependencies = [("curation", "0002_roles")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
