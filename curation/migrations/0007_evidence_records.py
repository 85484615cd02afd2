import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0006_annotation_contributors"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="mechanismannotation",
            name="cell_lines",
            field=models.CharField(
                blank=True, default="", help_text="In vitro: the cell lines, e.g. “MKN45, AGS”.", max_length=300
            ),
        ),
        migrations.AddField(
            model_name="mechanismannotation",
            name="animal_model",
            field=models.CharField(
                blank=True, default="", help_text="In vivo: the model, e.g. “subcutaneous xenograft”.", max_length=300
            ),
        ),
        migrations.AddField(
            model_name="mechanismannotation",
            name="species",
            field=models.CharField(
                blank=True, default="", help_text="In vivo: the species, e.g. “Mus musculus”.", max_length=100
            ),
        ),
        migrations.AddField(
            model_name="mechanismannotation",
            name="patient_samples",
            field=models.CharField(
                blank=True, default="", help_text="Patient samples, e.g. “serum of 60 patients”.", max_length=300
            ),
        ),
        migrations.AddField(
            model_name="mechanismannotation",
            name="clinical_cohort",
            field=models.CharField(
                blank=True,
                default="",
                help_text="A clinical cohort, e.g. “212 patients, 5-year follow-up”.",
                max_length=300,
            ),
        ),
        migrations.AddField(
            model_name="mechanismannotation",
            name="evidence_level",
            field=models.CharField(
                blank=True,
                choices=[
                    ("clinical_cohort", "Clinical cohort"),
                    ("patient_samples", "Patient samples"),
                    ("in_vivo", "In vivo"),
                    ("in_vitro", "In vitro"),
                ],
                default="",
                editable=False,
                help_text="The strongest experimental system named; set by the services.",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="mechanismannotation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("evidence_level__in", ["", "clinical_cohort", "patient_samples", "in_vivo", "in_vitro"])
                ),
                name="annotation_evidence_level_valid",
            ),
        ),
        migrations.AddField(
            model_name="term",
            name="review_note",
            field=models.TextField(
                blank=True, default="", help_text="Proposals: the editor's reason for refusing or merging it."
            ),
        ),
        migrations.AlterField(
            model_name="term",
            name="status",
            field=models.CharField(
                choices=[
                    ("active", "Active"),
                    ("retired", "Retired"),
                    ("merged", "Merged"),
                    ("proposed", "Proposed"),
                    ("refused", "Refused"),
                ],
                default="active",
                max_length=16,
            ),
        ),
        # A refused proposal frees its label and identifier, as a merged term does.
        migrations.RemoveConstraint(model_name="term", name="term_unique_label_per_facet"),
        migrations.RemoveConstraint(model_name="term", name="term_unique_identifier_per_facet"),
        migrations.RemoveConstraint(model_name="term", name="term_status_valid"),
        migrations.AddConstraint(
            model_name="term",
            constraint=models.UniqueConstraint(
                models.F("facet"),
                django.db.models.functions.text.Lower("label"),
                condition=models.Q(("status__in", ["merged", "refused"]), _negated=True),
                name="term_unique_label_per_facet",
            ),
        ),
        migrations.AddConstraint(
            model_name="term",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    models.Q(("identifier", ""), _negated=True),
                    models.Q(("status__in", ["merged", "refused"]), _negated=True),
                ),
                fields=("facet", "identifier"),
                name="term_unique_identifier_per_facet",
            ),
        ),
        migrations.AddConstraint(
            model_name="term",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["active", "retired", "merged", "proposed", "refused"])),
                name="term_status_valid",
            ),
        ),
        migrations.CreateModel(
            name="WorkSeen",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seen_at", models.DateTimeField()),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="curation_work_seen",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
