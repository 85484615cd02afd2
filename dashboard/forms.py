"""What the dashboard's pages read from a request, parsed by the shared id fields: bad input is a 400."""

from django import forms

from articles.services.reviews import MAX_PMID
from cafex_portal.forms import IdFormField


class DashboardFilterForm(forms.Form):
    """Narrows the dashboard (and its feed) to one review, the activity also to one person."""

    review = IdFormField(required=False, max_value=MAX_PMID, label="Review (PMID)")
    person = IdFormField(required=False, label="Person")
