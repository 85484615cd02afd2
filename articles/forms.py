"""Forms of the articles pages: each parses what a request sends, so a bad value is a message, never a 500."""

from django import forms

from cafex_portal.forms import IdListField

from .services.reviews import MAX_PMID


class ReviewAddForm(forms.Form):
    pmid = forms.IntegerField(label="PMID of the review", min_value=1, max_value=MAX_PMID)


class AlertAcknowledgeForm(forms.Form):
    alert = IdListField(required=False)
