"""Who besides its author changed an annotation: none of them may accept or reject it.

Edits made before this was recorded are in the history already: every "updated" revision by someone other than
the annotation's author makes that person a contributor.
"""

from django.conf import settings
from django.db import migrations, models


def credit_earlier_edits(apps, schema_editor):
    Annotation = apps.get_model("curation", "MechanismAnnotation")
    Revision = apps.get_model("curation", "AnnotationRevision")
    field = Annotation._meta.get_field("contributors")
    Contributor = field.remote_field.through
    pairs = set(
        Revision.objects.filter(action="updated", annotation__isnull=False, actor__isnull=False)
        .exclude(actor=models.F("annotation__author"))
        .order_by()
        .values_list("annotation_id", "actor_id")
    )
    Contributor.objects.bulk_create(
        [
            Contributor(**{f"{field.m2m_field_name()}_id": annotation, f"{field.m2m_reverse_field_name()}_id": user})
            for annotation, user in sorted(pairs)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0005_editor_admin_view"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="mechanismannotation",
            name="contributors",
            field=models.ManyToManyField(
                blank=True,
                editable=False,
                help_text="Others who changed the annotation; they cannot review it.",
                related_name="contributed_annotations",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(credit_earlier_edits, migrations.RunPython.noop),
    ]
