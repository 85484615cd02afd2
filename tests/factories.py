"""People for tests of every app: one factory for users, with the portal's roles as Django groups."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cafex_portal.roles import CURATOR_GROUP, EDITOR_GROUP

__all__ = ["PASSWORD", "UserFactory", "curator", "editor", "superuser"]

PASSWORD = "pw-for-tests-only"  # every factory-made user's


class UserFactory(factory.django.DjangoModelFactory):
    """A user without a role; `roles=[...]` adds groups by name, created if missing."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=name)[0])


def _named(username: str | None) -> dict:
    return {"username": username} if username else {}


def curator(username: str | None = None, **fields):
    return UserFactory(roles=[CURATOR_GROUP], **_named(username), **fields)


def editor(username: str | None = None, **fields):
    return UserFactory(roles=[EDITOR_GROUP], **_named(username), **fields)


def superuser(username: str = "admin"):
    return UserFactory(username=username, is_superuser=True, is_staff=True)
