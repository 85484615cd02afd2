import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the admin account if no superuser exists. The password comes from CAFEX_ADMIN_PASSWORD, "
        "or is generated and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An admin account exists already; nothing to do.")
            return
        password = os.environ.get("CAFEX_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        if os.environ.get("CAFEX_ADMIN_PASSWORD"):
            self.stdout.write(self.style.SUCCESS(f"Admin account '{username}' created with CAFEX_ADMIN_PASSWORD."))
        else:
            self.stdout.write(self.style.WARNING(f"Admin account created. Username: {username}  Password: {password}"))
            self.stdout.write("This password is shown only once; change it in the admin.")
