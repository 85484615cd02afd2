"""Vocabulary reads: search for pick lists, filters by term, and highlighting in abstracts."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, When
from django.db.models.functions import Lower

from cafex_portal import roles
from cafex_portal.forms import parse_id

from ..models import Facet, Term


def term_ids_matching(*, facet: str, values: Iterable[str]) -> list[int]:
    """Ids of the facet's terms named by id or label (case-insensitive); a merged term stands for its target."""
    names = [str(v).strip() for v in values if str(v).strip()]
    ids = [parse_id(name) for name in names if parse_id(name) is not None]
    labels = [name for name in names if parse_id(name) is None]
    match = Q(pk__in=ids)
    for label in labels:
        match |= Q(label__iexact=label)
    if not ids and not labels:
        return []
    found = Term.objects.filter(match, facet=facet).values_list("pk", "merged_into_id")
    return sorted({merged_into or pk for pk, merged_into in found})


def term_get(*, pk: int) -> Term | None:
    return Term.objects.filter(pk=pk).first()


def term_list(*, user: Any = None, facet: str | None = None, status: str | None = None, q: str = "") -> QuerySet[Term]:
    """Terms for listings: by facet and label, or by relevance to `q` (label prefix, name prefix, anywhere).

    Proposed and refused terms are not (or not yet) the vocabulary: editors see them all, a proposer their own,
    everyone else (and the data release, which lists terms for no one) none."""
    terms = Term.objects.select_related("merged_into")
    if not roles.is_editor(user):
        pending = Q(status__in=[Term.Status.PROPOSED, Term.Status.REFUSED])
        if roles.is_authenticated(user):
            pending &= ~Q(created_by_id=user.pk)
        terms = terms.exclude(pending)
    if facet:
        terms = terms.filter(facet=facet)
    if status:
        terms = terms.filter(status=status)
    return term_search_order(terms, q)


def term_search_order(terms: QuerySet[Term], q: str) -> QuerySet[Term]:
    needle = (q or "").strip().casefold()
    if not needle:
        return terms.order_by("facet", Lower("label"), "pk")
    return (
        terms.filter(search_text__contains=needle)
        .annotate(
            match_rank=Case(
                # The exact name first: typing "miR-2" must offer a term named "miR-2" before "miR-21".
                When(search_text__contains=f"|{needle}|", then=0),
                When(search_text__startswith=f"|{needle}", then=1),
                When(search_text__contains=f"|{needle}", then=2),
                default=3,
                output_field=IntegerField(),
            )
        )
        .order_by("match_rank", Lower("label"), "pk")
    )


def term_search(
    *, facet: str, q: str = "", include_retired: bool = False, limit: int = 20, user: Any = None
) -> list[Term]:
    """Terms a curator can pick for a facet, found by label or synonym, case-insensitive; an exact name first,
        then prefix matches. Retired terms only when asked for; merged and refused ones never; proposed ones only to
        their proposer (`user`). Each term carries `is_exact` (one of its names is exactly `q`) and `is_whole_prefix` (a
    name begins with `q` and `q` stops at the end of one of its words or numbers)."""
    statuses = [Term.Status.ACTIVE, Term.Status.RETIRED] if include_retired else [Term.Status.ACTIVE]
    offered = Q(status__in=statuses)
    if getattr(user, "pk", None):
        offered |= Q(status=Term.Status.PROPOSED, created_by=user)
    terms = list(term_search_order(Term.objects.filter(offered, facet=facet), q)[: max(limit, 0)])
    typed = (q or "").strip().casefold()
    for term in terms:
        term.is_exact = bool(typed) and f"|{typed}|" in term.search_text
        term.is_whole_prefix = bool(typed) and any(_ends_at_boundary(typed, name.casefold()) for name in term.names)
    return terms


def _ends_at_boundary(typed: str, name: str) -> bool:
    """`name` begins with `typed`, which stops where a word or number of it ends: "alox" in "alox15" and "gastric"
    in "gastric cancer" do, "mir-2" in "mir-21" does not (it cuts the number short: miR-2 is another molecule)."""
    if not name.startswith(typed) or len(name) == len(typed):
        return name == typed
    last, following = typed[-1], name[len(typed)]
    return not ((last.isdigit() and following.isdigit()) or (last.isalpha() and following.isalpha()))


def term_proposals_by(*, user: Any) -> QuerySet[Term]:
    """The user's own proposals still waiting or refused (with the editor's reason), newest first."""
    if not getattr(user, "pk", None):
        return Term.objects.none()
    statuses = [Term.Status.PROPOSED, Term.Status.REFUSED]
    return Term.objects.filter(created_by=user, status__in=statuses).order_by("-updated_at", "-pk")


def term_proposals() -> QuerySet[Term]:
    """Proposed terms waiting for an editor, oldest first, with who proposed them and how many annotations use
    each."""
    return (
        Term.objects.filter(status=Term.Status.PROPOSED)
        .select_related("created_by")
        .annotate(use_count=Count("annotation_links"))
        .order_by("created_at", "pk")
    )


# Direction and role words ("promotes", "mechanism") are everywhere in an abstract; highlighting them says nothing.
HIGHLIGHT_FACETS = tuple(f for f in Facet.values if f not in (Facet.DIRECTION, Facet.ROLE))
HIGHLIGHT_MIN_LENGTH = 3
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class HighlightIndex:
    """The active vocabulary's names as one regular expression: `pattern` finds them (None when there is none),
    `terms` maps each casefolded name to the terms it names."""

    pattern: re.Pattern | None
    terms: dict[str, list[Term]]


_indexes: dict[tuple, HighlightIndex] = {}


def term_highlight_index(*, facets: Iterable[str] | None = None) -> HighlightIndex:
    """The names to highlight, compiled once per vocabulary state and rebuilt only when a term changes. Costs one
    query while the vocabulary is unchanged."""
    facets = tuple(sorted(facets)) if facets is not None else HIGHLIGHT_FACETS
    stamp = Term.objects.aggregate(n=Count("pk"), latest=Max("updated_at"))
    key = (stamp["n"], stamp["latest"], facets)
    index = _indexes.get(key)
    if index is None:
        by_name: dict[str, list[Term]] = {}
        for term in Term.objects.filter(status=Term.Status.ACTIVE, facet__in=facets).order_by("pk"):
            for name in term.names:
                name = name.strip()
                if len(name) >= HIGHLIGHT_MIN_LENGTH and term not in by_name.get(name.casefold(), []):
                    by_name.setdefault(name.casefold(), []).append(term)
        pattern = None
        if by_name:
            names = sorted(by_name, key=len, reverse=True)
            # A name ends where a word ends, but "miR-21" must not light up inside "miR-210" or "miR-21-5p".
            pattern = re.compile(
                r"(?<!\w)(?:" + "|".join(re.escape(name) for name in names) + r")(?!\w|-\w)", re.IGNORECASE
            )
        index = HighlightIndex(pattern, by_name)
        # Indexes of an older vocabulary are dropped; two threads building the same one at once is harmless.
        for stale in [k for k in list(_indexes) if k[:2] != key[:2]]:
            _indexes.pop(stale, None)
        _indexes[key] = index
    return index


def term_highlights(*, text: str, facets: Iterable[str] | None = None) -> list[tuple[int, int, Term]]:
    """Where active vocabulary names occur in `text`: `(start, end, term)` sorted by position, longest name
    first where names overlap, one tuple per term when two terms share a name. `text` may be plain or the
    stored sanitised HTML; matches never fall inside a tag. Costs one query while the vocabulary is unchanged."""
    index = term_highlight_index(facets=facets)
    if index.pattern is None or not text:
        return []
    tags = [(m.start(), m.end()) for m in _TAG.finditer(text)]
    found = []
    for match in index.pattern.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in tags):
            continue
        for term in index.terms.get(match.group(0).casefold(), []):
            found.append((match.start(), match.end(), term))
    return found
