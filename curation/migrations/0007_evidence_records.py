from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("curation", "0006_annotation_contributors")]

    operations = []
