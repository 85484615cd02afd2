"""The two roles: who counts as a curator or an editor, what a refusal says, and one query per user for the groups."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cafex_portal.exceptions import NotAllowedError
from cafex_portal.roles import is_curator, is_editor, require_curator, require_editor
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "anonymous": AnonymousUser(),
        "no role": factories.UserFactory(username="rita"),
        "curator": factories.curator("cora"),
        "editor": factories.editor("eddie"),
        "superuser": factories.superuser("root"),
        "inactive editor": factories.editor("ivy", is_active=False),
    }


@pytest.mark.parametrize(
    ("who", "curates", "edits"),
    [
        ("anonymous", False, False),
        ("no role", False, False),
        ("curator", True, False),
        ("editor", True, True),
        ("superuser", True, True),
        ("inactive editor", False, False),
    ],
)
def test_who_holds_which_role(people, who, curates, edits):
    user = people[who]
    assert (is_curator(user), is_editor(user)) == (curates, edits)
    assert (is_curator(None), is_editor(None)) == (False, False)


def test_refusals_say_what_to_do(people):
    for check, who, message in [
        (require_curator, "anonymous", "Sign in as a curator to annotate."),
        (
            require_curator,
            "no role",
            "You need the curator role to annotate; ask an editor to add you to the curators.",
        ),
        (require_editor, "anonymous", "Sign in as an editor to annotate."),
        (require_editor, "curator", "Only editors can annotate."),
    ]:
        with pytest.raises(NotAllowedError) as refused:
            check(people[who], "annotate")
        assert refused.value.message == message and refused.value.status_code == 403
    require_curator(people["curator"], "annotate")
    require_editor(people["editor"], "annotate")
    require_editor(people["superuser"], "annotate")


def test_a_users_groups_are_read_once(people, django_assert_num_queries):
    curator = people["curator"]
    with django_assert_num_queries(1):
        assert is_curator(curator) and not is_editor(curator)
        require_curator(curator, "annotate")
    with django_assert_num_queries(0):
        assert is_editor(people["superuser"])
