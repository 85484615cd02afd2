"""Blind double curation: per-review modes, curators' own screening decisions, conflict resolutions."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_citation_page_order"),
        ("curation", "0007_evidence_records"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewCurationSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("double_screening", models.BooleanField(default=False)),
                ("double_annotation", models.BooleanField(default=False)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "review",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="curation_settings",
                        to="articles.review",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "review curation settings",
            },
        ),
        migrations.CreateModel(
            name="ConflictResolution",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(choices=[("screening", "Screening"), ("annotation", "Annotation")], max_length=16),
                ),
                ("resolved_at", models.DateTimeField(auto_now_add=True)),
                (
                    "had_conflict",
                    models.BooleanField(help_text="False when the two agreed and the editor only accepted."),
                ),
                (
                    "originals",
                    models.JSONField(help_text="Each curator's work as it stood, in the order they finished."),
                ),
                ("result", models.JSONField(help_text="The accepted result.")),
                ("note", models.TextField(blank=True, default="")),
                (
                    "citation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="conflict_resolutions",
                        to="articles.citation",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["resolved_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("citation", "kind"), name="conflict_resolution_unique"),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["screening", "annotation"])),
                        name="conflict_resolution_kind_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CuratorScreening",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "decision",
                    models.CharField(
                        choices=[("in_scope", "In scope"), ("out_of_scope", "Out of scope")], max_length=16
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("not_caf", "Not about CAFs"),
                            ("not_ev", "Not about exosomes / EVs"),
                            ("not_primary", "Not primary research"),
                            ("no_mechanism", "No mechanism reported"),
                            ("duplicate", "Duplicate"),
                            ("other", "Other"),
                        ],
                        default="",
                        max_length=16,
                    ),
                ),
                ("note", models.TextField(blank=True, default="")),
                ("decided_at", models.DateTimeField()),
                (
                    "citation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="curator_screenings",
                        to="articles.citation",
                    ),
                ),
                (
                    "curator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "ordering": ["citation", "decided_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("citation", "curator"), name="curator_screening_unique"),
                    models.CheckConstraint(
                        condition=models.Q(("decision__in", ["in_scope", "out_of_scope"])),
                        name="curator_screening_decision_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("decision", "out_of_scope"),
                                (
                                    "reason__in",
                                    ["not_caf", "not_ev", "not_primary", "no_mechanism", "duplicate", "other"],
                                ),
                            ),
                            models.Q(models.Q(("decision", "out_of_scope"), _negated=True), ("reason", "")),
                            _connector="OR",
                        ),
                        name="curator_screening_reason_iff_out",
                    ),
                ],
            },
        ),
    ]
