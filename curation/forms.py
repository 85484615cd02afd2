"""Forms of the curation pages. They validate what the browser sent; the services decide what it means."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django import forms
from django.db.models import Q

from articles.models import Citation
from cafex_portal.forms import parse_id

from .models import Facet, MechanismAnnotation, OutOfScopeReason, ScreeningDecision, Term
from .selectors.queue import NOT_ANNOTATED
from .services.annotations import COMMENT_MAX
from .services.screening import NOTE_MAX
from .services.validation import FIGURE_MAX, NOTES_MAX, QUOTE_MAX

TEXT_SUFFIX = "__text"


class TermIdsField(forms.Field):
    """Term ids posted as repeated hidden inputs; existence and facet are checked by the form, in one query."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if isinstance(value, str | int):
            value = [value]
        ids = [parse_id(v) for v in value if str(v).strip()]
        if None in ids:
            raise forms.ValidationError("Pick terms from the list.", code="invalid")
        return list(dict.fromkeys(ids))


@dataclass
class FacetRow:
    """What the template needs to draw one facet's pick list."""

    facet: str
    label: str
    terms: list[Term] = field(default_factory=list)
    text: str = ""
    errors: list[str] = field(default_factory=list)


class AnnotationForm(forms.Form):
    """One mechanism: terms for each facet, plus the quote, figure and confidence that support it.

    Without JavaScript a curator types exact term labels (or synonyms) into a facet's box, separated by ";";
    with it, the type-ahead turns picks into hidden ids. Both arrive here.
    """

    quote = forms.CharField(required=False, max_length=QUOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    figure = forms.CharField(required=False, max_length=FIGURE_MAX)
    confidence = forms.ChoiceField(required=False, choices=[("", "—")] + MechanismAnnotation.Confidence.choices)
    notes = forms.CharField(required=False, max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, annotation: MechanismAnnotation | None = None, **kwargs) -> None:
        self.annotation = annotation
        initial = kwargs.setdefault("initial", {})
        if annotation is not None:
            initial.setdefault("quote", annotation.quote)
            initial.setdefault("figure", annotation.figure)
            initial.setdefault("confidence", annotation.confidence)
            initial.setdefault("notes", annotation.notes)
            initial.setdefault("expected_version", annotation.version)
        else:
            initial.setdefault("client_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        for facet in Facet:
            self.fields[facet.value] = TermIdsField(required=False, label=facet.label)
            self.fields[facet.value + TEXT_SUFFIX] = forms.CharField(required=False, max_length=500)
        self._terms: dict[int, Term] = {}

    def clean(self):
        # Whether a picked term exists, belongs to its facet and may be added is the service's rule
        # (services.validation.resolve_values); its errors come back onto these fields.
        cleaned = super().clean()
        values: dict[str, list[int]] = {}
        for facet in Facet:
            picked = list(cleaned.get(facet.value) or [])
            picked += self._resolve_labels(facet, cleaned.get(facet.value + TEXT_SUFFIX, ""), picked)
            # Every facet is sent, empty ones too: on an update a missing facet would keep its old terms.
            values[facet.value] = picked
        if not any(values.values()) and not self.errors:
            raise forms.ValidationError("Pick at least one term.", code="empty")
        cleaned["values"] = values
        return cleaned

    def _resolve_labels(self, facet: Facet, text: str, picked: list[int]) -> list[int]:
        """Exact labels or synonyms typed without the pick list; unknown ones become errors that keep the text."""
        names = [part.strip() for part in text.split(";") if part.strip()]
        if not names:
            return []
        query = Q()
        for name in names:
            query |= Q(search_text__contains=f"|{name.casefold()}|")
        candidates = list(Term.objects.filter(query, facet=facet.value, status=Term.Status.ACTIVE))
        found = []
        for name in names:
            key = name.casefold()
            match = next((t for t in candidates if t.label.casefold() == key), None) or next(
                (t for t in candidates if key in (n.casefold() for n in t.names)), None
            )
            if match is None:
                self.add_error(facet.value + TEXT_SUFFIX, f"No active term “{name}” in {facet.label.lower()}.")
            elif match.pk not in picked and match.pk not in found:
                self._terms[match.pk] = match
                found.append(match.pk)
        return found

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "values": data["values"],
            "quote": data["quote"],
            "figure": data["figure"],
            "confidence": data["confidence"],
            "notes": data["notes"],
        }

    def apply_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Put a service's field errors on the matching fields; the rest above the form."""
        for name, messages in errors.items():
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                self.add_error(name if name in self.fields else None, str(message))

    def facet_rows(self) -> list[FacetRow]:
        """For each facet, the terms chosen so far (from the post, or from the annotation being edited)."""
        if self.is_bound:
            chosen: dict[str, list[int]] = {}
            all_ids: list[int] = []
            for facet in Facet:
                try:
                    chosen[facet.value] = TermIdsField().to_python(self.data.getlist(facet.value))
                except forms.ValidationError:
                    chosen[facet.value] = []
                all_ids += chosen[facet.value]
            missing = [pk for pk in all_ids if pk not in self._terms]
            if missing:
                self._terms.update({t.pk: t for t in Term.objects.filter(pk__in=missing)})
            by_facet = {
                facet.value: [self._terms[pk] for pk in chosen[facet.value] if pk in self._terms] for facet in Facet
            }
        else:
            by_facet = {facet.value: [] for facet in Facet}
            if self.annotation is not None:
                for term in self.annotation.terms.all():
                    by_facet.setdefault(term.facet, []).append(term)
        rows = []
        for facet in Facet:
            text = self.data.get(facet.value + TEXT_SUFFIX, "") if self.is_bound else ""
            errors = list(self.errors.get(facet.value, [])) + list(self.errors.get(facet.value + TEXT_SUFFIX, []))
            rows.append(FacetRow(facet.value, facet.label, by_facet.get(facet.value, []), text, errors))
        return rows


class ScreeningForm(forms.Form):
    decision = forms.ChoiceField(choices=ScreeningDecision.Decision.choices)
    reason = forms.ChoiceField(required=False, choices=[("", "Choose a reason…")] + OutOfScopeReason.choices)
    note = forms.CharField(required=False, max_length=NOTE_MAX)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ScreeningDecision.Decision.OUT_OF_SCOPE and not cleaned.get("reason"):
            self.add_error("reason", "Say why it is out of scope.")
        elif cleaned.get("decision") != ScreeningDecision.Decision.OUT_OF_SCOPE:
            cleaned["reason"] = ""
        return cleaned


COMMENT_TOO_LONG = f"Keep the comment to {COMMENT_MAX:,} characters or fewer; this one has %(show_value)s."


class CommentForm(forms.Form):
    text = forms.CharField(
        max_length=COMMENT_MAX,
        widget=forms.TextInput(attrs={"placeholder": "Add a comment"}),
        error_messages={"required": "Write a comment first.", "max_length": COMMENT_TOO_LONG},
    )


class RejectForm(forms.Form):
    comment = forms.CharField(
        max_length=COMMENT_MAX,
        error_messages={
            "required": "Say why you reject it: the curator will read your comment.",
            "max_length": COMMENT_TOO_LONG,
        },
    )


class AcceptForm(forms.Form):
    comment = forms.CharField(required=False, max_length=COMMENT_MAX, error_messages={"max_length": COMMENT_TOO_LONG})


class QueueFilterForm(forms.Form):
    """The queue's filters; every one is optional and an unknown value is dropped, not an error page."""

    relation = forms.ChoiceField(required=False, choices=[("", "All relations")] + Citation.Relation.choices)
    decision = forms.ChoiceField(required=False, choices=[("", "Any decision")] + ScreeningDecision.Decision.choices)
    state = forms.ChoiceField(
        required=False,
        choices=[("", "Any annotation"), (NOT_ANNOTATED, "Not annotated")] + MechanismAnnotation.State.choices,
    )
    assignee = forms.ChoiceField(required=False, choices=[("", "Anyone"), ("me", "Me"), ("none", "Unassigned")])
    text = forms.CharField(required=False, max_length=200, widget=forms.TextInput(attrs={"type": "search"}))

    FIELDS = ("relation", "decision", "state", "assignee", "text")

    def __init__(self, *args, readers_only: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if readers_only:
            # Visitors see accepted annotations only, so they may not filter on the others.
            self.fields["state"].choices = [("", "Any annotation"), (MechanismAnnotation.State.ACCEPTED, "Accepted")]
            del self.fields["assignee"]

    def filters(self) -> dict[str, str]:
        """Valid filters only: a bad value in a shared link drops that filter instead of failing the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.FIELDS if data.get(name) and name not in self.errors}
