"""Editors may look at every record in the admin (staff status still has to be given per person).

Only "view": every change goes through the services (the admin's actions call them), never through raw forms.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ["articles", "curation"]


def grant_view(apps, schema_editor):
    for label in APPS:  # permissions are made after migrations; a fresh database needs them now
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor, _ = Group.objects.get_or_create(name="editor")
    editor.permissions.add(*Permission.objects.filter(content_type__app_label__in=APPS, codename__startswith="view_"))


def revoke_view(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editor in Group.objects.filter(name="editor"):
        editor.permissions.remove(
            *Permission.objects.filter(content_type__app_label__in=APPS, codename__startswith="view_")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("curation", "0004_citation_protect_screening_and_assignments"),
    ]

    operations = [migrations.RunPython(grant_view, revoke_view)]
