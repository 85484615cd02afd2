"""Forms of the curation pages. They validate what the browser sent; the services decide what it means."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django import forms
from django.db.models import Q

from articles.models import Citation
from articles.search import MAX_QUERY_CHARS
from cafex_portal.forms import IdFormField, IdListField, parse_id

from .models import Facet, MechanismAnnotation, OutOfScopeReason, ScreeningDecision, Term
from .models.annotations import SPECIES_MAX, SYSTEM_FIELDS, SYSTEM_MAX
from .models.vocabulary import DESCRIPTION_MAX, IDENTIFIER_MAX, LABEL_MAX
from .selectors.queue import NOT_ANNOTATED
from .selectors.search import SearchFilters
from .services.annotations import COMMENT_MAX
from .services.screening import NOTE_MAX
from .services.validation import FIGURE_MAX, NOTES_MAX, QUOTE_MAX

TEXT_SUFFIX = "__text"

# What an annotation needs before it can be submitted (services.validation.submission_gaps holds the rule): the
# form marks these facets from the start. Cargo and cargo type are either-or.
NEEDED_TO_SUBMIT = {
    Facet.CARGO_TYPE: "or cargo",
    Facet.CARGO: "or cargo type",
    Facet.EFFECT: "",
    Facet.DIRECTION: "",
    Facet.EVIDENCE: "",
}


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
    needed: str | None = None  # needed to submit: "" or "or cargo" (either-or); None when optional


class AnnotationForm(forms.Form):
    """One mechanism: terms for each facet, plus the quote, figure and confidence that support it.

    Without JavaScript a curator types exact term labels (or synonyms) into a facet's box, separated by ";";
    with it, the type-ahead turns picks into hidden ids. Both arrive here.
    """

    quote = forms.CharField(required=False, max_length=QUOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    figure = forms.CharField(required=False, max_length=FIGURE_MAX)
    confidence = forms.ChoiceField(required=False, choices=[("", "—")] + MechanismAnnotation.Confidence.choices)
    notes = forms.CharField(required=False, max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    cell_lines = forms.CharField(required=False, max_length=SYSTEM_MAX, label="Cell lines (in vitro)")
    animal_model = forms.CharField(required=False, max_length=SYSTEM_MAX, label="Animal model (in vivo)")
    species = forms.CharField(required=False, max_length=SPECIES_MAX, label="Species")
    patient_samples = forms.CharField(required=False, max_length=SYSTEM_MAX, label="Patient samples")
    clinical_cohort = forms.CharField(required=False, max_length=SYSTEM_MAX, label="Clinical cohort")
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        annotation: MechanismAnnotation | None = None,
        copy_from: MechanismAnnotation | None = None,
        user=None,
        **kwargs,
    ) -> None:
        """`annotation` is the one being edited; `copy_from` one whose facets and system a new record starts from,
        without its effect and support ("duplicate this record"); `user` may type their own proposed terms."""
        self.annotation = annotation
        self.copy_from = copy_from
        self.user = user
        initial = kwargs.setdefault("initial", {})
        if annotation is not None:
            for name in ("quote", "figure", "confidence", "notes", *SYSTEM_FIELDS):
                initial.setdefault(name, getattr(annotation, name))
            initial.setdefault("expected_version", annotation.version)
        else:
            initial.setdefault("client_token", uuid.uuid4())
            if copy_from is not None:
                for name in ("confidence", *SYSTEM_FIELDS):
                    initial.setdefault(name, getattr(copy_from, name))
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
            # Named on the first facet, so the message sits next to a field and the summary links to it.
            self.add_error(Facet.CARGO_TYPE.value, forms.ValidationError("Pick at least one term.", code="empty"))
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
        offered = Q(status=Term.Status.ACTIVE)
        if getattr(self.user, "pk", None):
            offered |= Q(status=Term.Status.PROPOSED, created_by=self.user)
        candidates = list(Term.objects.filter(query, offered, facet=facet.value))
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
            **{name: data[name] for name in SYSTEM_FIELDS},
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
            source = self.annotation or self.copy_from
            if source is not None:
                for term in source.terms.all():
                    by_facet.setdefault(term.facet, []).append(term)
            if self.annotation is None and self.copy_from is not None:
                by_facet[Facet.EFFECT.value] = []  # a copy records another effect of the same mechanism
        rows = []
        for facet in Facet:
            text = self.data.get(facet.value + TEXT_SUFFIX, "") if self.is_bound else ""
            errors = list(self.errors.get(facet.value, [])) + list(self.errors.get(facet.value + TEXT_SUFFIX, []))
            rows.append(
                FacetRow(
                    facet.value, facet.label, by_facet.get(facet.value, []), text, errors, NEEDED_TO_SUBMIT.get(facet)
                )
            )
        return rows

    def full_clean(self) -> None:
        super().full_clean()
        # Each field at fault says so to assistive technology and points at its message (id_<name>_error).
        for name in self.errors:
            if name in self.fields and not name.endswith(TEXT_SUFFIX) and name not in Facet.values:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_error"

    def system_fields(self) -> list:
        return [self[name] for name in SYSTEM_FIELDS]

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Every error as (field label, message, id of the input to jump to), in the form's order."""
        summary = [("", str(message), "") for message in self.non_field_errors()]
        labels = dict(Facet.choices)
        for name, messages in self.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS:
                continue
            facet = name.removesuffix(TEXT_SUFFIX)
            if facet in labels:
                label, anchor = labels[facet], f"pick-{facet}"
            else:
                label, anchor = (self.fields[name].label or name.replace("_", " ").capitalize()), f"id_{name}"
            summary += [(label, str(message), anchor) for message in messages]
        return summary


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


class BulkScreeningForm(ScreeningForm):
    """One decision for the ticked citations of the queue (or a single row's)."""

    citations = IdListField(error_messages={"required": "Tick the citations to screen first."})

    def clean_citations(self) -> list[int]:
        ids = list(dict.fromkeys(self.cleaned_data["citations"]))
        if not ids:
            raise forms.ValidationError("Tick the citations to screen first.", code="required")
        if len(ids) > 500:
            raise forms.ValidationError("Screen at most 500 citations at once.", code="max")
        return ids


class TermProposalForm(forms.Form):
    """A term a curator misses: label and facet, with synonyms (comma-separated) and a public identifier."""

    facet = forms.ChoiceField(choices=Facet.choices)
    label = forms.CharField(max_length=LABEL_MAX)
    synonyms = forms.CharField(required=False, max_length=5000, help_text="Separate them with commas.")
    identifier = forms.CharField(required=False, max_length=IDENTIFIER_MAX, label="Public identifier")
    description = forms.CharField(required=False, max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_synonyms(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["synonyms"].split(",") if part.strip()]


class TermRefuseForm(forms.Form):
    reason = forms.CharField(max_length=DESCRIPTION_MAX, error_messages={"required": "Say why the term is refused."})


class TermMergeForm(forms.Form):
    into = forms.CharField(
        max_length=LABEL_MAX, label="Merge into", error_messages={"required": "Name the term it duplicates."}
    )


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


YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]


class SearchForm(forms.Form):
    """The page's query parameters; each one is optional."""

    q = forms.CharField(required=False)
    review = IdFormField(required=False)
    relation = forms.ChoiceField(required=False, choices=[("", "Any")] + Citation.Relation.choices)
    year_min = forms.IntegerField(required=False, min_value=1000, max_value=9999)
    year_max = forms.IntegerField(required=False, min_value=1000, max_value=9999)
    journal = forms.CharField(required=False, max_length=500)
    publication_type = forms.CharField(required=False, max_length=200)
    retracted = forms.ChoiceField(required=False, choices=YES_NO)
    decision = forms.ChoiceField(required=False, choices=[("", "Any")] + ScreeningDecision.Decision.choices)
    accepted = forms.ChoiceField(required=False, choices=YES_NO)
    term = IdFormField(required=False, max_value=2**63 - 1)

    def search_filters(self) -> SearchFilters:
        """The valid parameters only: a bad one is dropped, the others still apply (a shared link with one stale
        value still shows a page; the export API refuses it instead, see is_valid)."""
        self.is_valid()
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}
        for name in ("retracted", "accepted"):
            data[name] = {"yes": True, "no": False}.get(data.get(name) or "")
        data["q"] = (data.get("q") or "")[:MAX_QUERY_CHARS]  # as articles.search reads it anyway
        return SearchFilters(**{name: value for name, value in data.items() if value not in (None, "")})
