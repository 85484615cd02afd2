"""A curator's own annotations by state ("My work"), with what is new since they last looked."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..models import MechanismAnnotation
from ..selectors.annotations import annotation_list_by_author, work_seen_at
from ..selectors.vocabulary import term_proposals_by
from ..services.annotations import work_seen_mark
from ._common import curator_required, decorate

State = MechanismAnnotation.State
# Rejected first: those wait for the curator. Accepted ones are many and need nothing: the latest are enough.
SECTIONS = (
    (State.REJECTED, "Rejected", "Sent back by an editor: fix and submit again."),
    (State.DRAFT, "Drafts", "Yours until you submit them."),
    (State.SUBMITTED, "Submitted", "Waiting for an editor."),
    (State.ACCEPTED, "Accepted", "Public."),
)
ACCEPTED_SHOWN = 50


@curator_required
@require_GET
def my_work(request):
    since = work_seen_at(user=request.user)
    annotations = decorate(annotation_list_by_author(user=request.user, since=since), request.user)
    sections = []
    for state, title, help_text in SECTIONS:
        items = [annotation for annotation in annotations if annotation.state == state]
        total = len(items)
        if state == State.ACCEPTED:
            items = items[:ACCEPTED_SHOWN]
        sections.append({"state": state, "title": title, "help": help_text, "items": items, "total": total})
    news = sum(1 for annotation in annotations if annotation.is_news)
    # Seen now: the next page load no longer counts these as news (this one still marks them).
    work_seen_mark(user=request.user)
    context = {"sections": sections, "news": news, "since": since, "proposals": term_proposals_by(user=request.user)}
    return render(request, "curation/my_work.html", context)
