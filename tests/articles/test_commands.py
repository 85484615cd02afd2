"""`manage.py ensure_admin`: the first superuser, made once, its password shown once or taken from the environment."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests import factories

pytestmark = pytest.mark.django_db

ENV_PASSWORD = "from-the-environment-7q"


def ensure_admin(*args: str) -> str:
    out = StringIO()
    call_command("ensure_admin", *args, stdout=out)
    return out.getvalue()


def superusers() -> list[str]:
    return list(get_user_model().objects.filter(is_superuser=True).values_list("username", flat=True))


@pytest.mark.parametrize("env", [None, ""], ids=["unset", "empty"])
def test_a_generated_password_is_printed_once_and_the_second_run_does_nothing(monkeypatch, env):
    if env is None:
        monkeypatch.delenv("CAFEX_ADMIN_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("CAFEX_ADMIN_PASSWORD", env)
    first = ensure_admin()
    admin = get_user_model().objects.get()
    assert (admin.username, admin.is_superuser, admin.is_staff, admin.is_active) == ("admin", True, True, True)
    assert "Username: admin" in first and "shown only once" in first
    password = first.split("Password: ", 1)[1].split()[0]
    assert len(password) >= 16 and admin.check_password(password)
    assert first.count(password) == 1

    second = ensure_admin()
    assert second.strip() == "An admin account exists already; nothing to do."
    assert password not in second
    assert superusers() == ["admin"] and get_user_model().objects.get().check_password(password)


def test_the_password_comes_from_cafex_admin_password_and_is_not_printed(monkeypatch):
    monkeypatch.setenv("CAFEX_ADMIN_PASSWORD", ENV_PASSWORD)
    out = ensure_admin("--username", "root")
    assert "Admin account 'root' created with CAFEX_ADMIN_PASSWORD." in out
    assert ENV_PASSWORD not in out and "Password:" not in out
    admin = get_user_model().objects.get()
    assert (admin.username, admin.is_superuser, admin.is_staff) == ("root", True, True)
    assert admin.check_password(ENV_PASSWORD)

    monkeypatch.setenv("CAFEX_ADMIN_PASSWORD", "a-different-one-later")
    assert "nothing to do" in ensure_admin("--username", "root")
    assert get_user_model().objects.get().check_password(ENV_PASSWORD), "a second run leaves the password alone"


def test_any_existing_superuser_counts_and_staff_or_editors_do_not(monkeypatch):
    monkeypatch.setenv("CAFEX_ADMIN_PASSWORD", ENV_PASSWORD)
    factories.editor("eddie", is_staff=True)
    assert "created" in ensure_admin()
    assert superusers() == ["admin"]

    get_user_model().objects.filter(username="admin").delete()
    factories.superuser("root")
    assert "nothing to do" in ensure_admin()
    assert superusers() == ["root"]
