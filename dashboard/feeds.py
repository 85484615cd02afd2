"""The activity feed as Atom, for an editor's feed reader.

A reader cannot log in, so the feed's address carries a signed token naming the editor; the role is checked again on
every request, so a person who stops being an editor stops getting the feed. The token also carries a fingerprint of
the editor's password hash: changing one's password revokes one's own feed address (a leaked address is not good
for ever), and changing DJANGO_SECRET_KEY revokes every address.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.core import signing
from django.core.exceptions import BadRequest
from django.http import Http404
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.feedgenerator import Atom1Feed

from articles.models import Review
from cafex_portal.roles import is_editor

from . import selectors
from .forms import DashboardFilterForm

SALT = "dashboard.activity-feed"


@dataclass(frozen=True)
class FeedRequest:
    user: Any
    review: Review | None
    person_id: int | None


def _fingerprint(user: Any) -> str:
    return salted_hmac(SALT, user.password).hexdigest()[:16]


def feed_token(user: Any) -> str:
    return signing.dumps([user.pk, _fingerprint(user)], salt=SALT)


def feed_user(token: str) -> Any | None:
    """The editor a token names, or None for a bad token, an address revoked by a new password, or someone no longer
    an editor."""
    try:
        pk, fingerprint = signing.loads(token, salt=SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first() if isinstance(pk, int) else None
    if user is None or not constant_time_compare(str(fingerprint), _fingerprint(user)):
        return None
    return user if is_editor(user) else None


class ActivityFeed(Feed):
    feed_type = Atom1Feed
    title = "CAFex Portal: curation activity"
    subtitle = "Who screened, submitted, accepted, rejected, commented and synced, newest first."

    def get_object(self, request, token: str) -> FeedRequest:
        """The editor the token names, and the review and person the address narrows the feed to (?review=&person=,
        as on the dashboard)."""
        user = feed_user(token)
        if user is None:
            raise Http404("No feed at this address.")
        form = DashboardFilterForm(request.GET)
        if not form.is_valid():
            raise BadRequest("; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
        pmid = form.cleaned_data["review"]
        review = selectors.review_for_dashboard(user=user, pmid=pmid) if pmid else None
        if pmid and review is None:
            raise Http404("No review with this PMID.")
        return FeedRequest(user=user, review=review, person_id=form.cleaned_data["person"])

    def link(self) -> str:
        return reverse("dashboard")

    def items(self, wanted: FeedRequest):
        return selectors.activity(user=wanted.user, review=wanted.review, person_id=wanted.person_id)

    def item_title(self, item: selectors.Activity) -> str:
        return f"{item.actor_name} {item.verb} {item.what}"

    def item_description(self, item: selectors.Activity) -> str:
        where = f" in review PMID {item.review_pmid}" if item.review_pmid else ""
        return f"{item.actor_name} {item.verb} {item.what}{where}."

    def item_link(self, item: selectors.Activity) -> str:
        return item.url or reverse("dashboard")

    def item_guid(self, item: selectors.Activity) -> str:
        return f"cafex-activity:{item.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: selectors.Activity):
        return item.at

    def item_updateddate(self, item: selectors.Activity):
        return item.at

    def item_author_name(self, item: selectors.Activity) -> str:
        return item.actor_name
