"""Input of the double-curation pages and API: curator pairs, a review's modes and conflict resolutions. Ids
are parsed by cafex_portal.forms, so a bad one is a 400 naming its field."""

from django import forms

from cafex_portal.forms import IdFormField

from .models import CuratorScreening, OutOfScopeReason


class CuratorPairForm(forms.Form):
    """Narrow agreement to two curators (`curator_a`, `curator_b`: user ids), or leave both out for the review."""

    curator_a = IdFormField(required=False)
    curator_b = IdFormField(required=False)

    def clean(self):
        data = super().clean()
        first, second = data.get("curator_a"), data.get("curator_b")
        if self.errors:
            return data
        if (first is None) != (second is None):
            raise forms.ValidationError("Give both curators of the pair, or neither.", code="pair")
        if first is not None and first == second:
            raise forms.ValidationError("A pair is two different curators.", code="pair")
        data["curators"] = (first, second) if first is not None else None
        return data


class CurationSettingsForm(forms.Form):
    double_screening = forms.BooleanField(required=False)
    double_annotation = forms.BooleanField(required=False)


class ScreeningResolveForm(forms.Form):
    citation = IdFormField()
    decision = forms.ChoiceField(choices=CuratorScreening.Decision.choices)
    reason = forms.ChoiceField(choices=[("", "—"), *OutOfScopeReason.choices], required=False)
    note = forms.CharField(required=False, max_length=5000)


class AnnotationResolveForm(forms.Form):
    citation = IdFormField()
    keep = IdFormField()
    note = forms.CharField(required=False, max_length=5000)
