from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("curation", "0007_evidence_records")]

    operations = []
