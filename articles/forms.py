"""Forms of the articles pages: each parses what a request sends, so a bad value is a message, never a 500."""

from django import forms

from cafex_portal.forms import IdListField

from .imports import MAX_BYTES
from .models import Citation
from .services.reviews import MAX_PMID


class ReviewAddForm(forms.Form):
    pmid = forms.IntegerField(label="PMID of the review", min_value=1, max_value=MAX_PMID)


class AlertAcknowledgeForm(forms.Form):
    alert = IdListField(required=False)


class CitationImportForm(forms.Form):
    """Citations to import into a review: pasted PMIDs/DOIs or a file; `confirm` carries the preview's digest."""

    relation = forms.ChoiceField(label="Add them to", choices=Citation.Relation.choices, initial="reference")
    text = forms.CharField(
        label="Paste PMIDs or DOIs", required=False, strip=False, max_length=MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "34852849\nPMID: 21376230\ndoi:10.1000/xyz"}),
        help_text="One a line, or separated by commas or spaces; https://doi.org/… and PubMed links work too.",
    )  # fmt: skip
    file = forms.FileField(
        label="or upload a file", required=False, help_text="RIS (.ris) or PubMed MEDLINE (.nbib), at most 5 MB."
    )
    format = forms.ChoiceField(
        label="Read it as", required=False,
        choices=[("", "Detect from the file"), ("pasted", "PMIDs or DOIs"), ("ris", "RIS"), ("nbib", "PubMed MEDLINE")],
    )  # fmt: skip
    positions = forms.ChoiceField(
        label="Reference numbers", initial="append",
        choices=[("append", "Number new references after the last"), ("file", "Use the numbers the input gives")],
    )  # fmt: skip
    confirm = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if bool(data.get("text", "").strip()) == bool(data.get("file")):
            raise forms.ValidationError("Paste PMIDs or DOIs, or upload a file (one of the two).")
        return data
