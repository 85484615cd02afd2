"""Mechanism annotations as data: one row per mechanism, the facets as columns, for CSV and JSON exports.

Each facet gives two columns: the term labels, and their public identifiers (MIMAT…, HGNC:…, DOID:…) in the same
order, an empty place where a term has none, so that a label and its identifier can be paired again. A row also
names its citation (PMID, DOI, PMCID, the review's position) and carries the quote, figure and confidence.
Curators' internal notes and people's names stay out: the export is the public record of the mechanisms.
"""

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, When

from articles.exports.csv import rows_as_csv
from articles.exports.records import plain_text
from articles.models import Citation, Review

from . import selectors
from .models import Facet, MechanismAnnotation, Term
from .models.annotations import SYSTEM_FIELDS

State = MechanismAnnotation.State
LIST_SEPARATOR = "; "

CITATION_COLUMNS = ["annotation_id", "state", "review_pmid", "relation", "position", "pmid", "doi", "pmcid", "title"]
SUPPORT_COLUMNS = ["quote", "figure", "confidence", *SYSTEM_FIELDS, "evidence_level", "reviewed_at"]
ANNOTATION_COLUMNS = [
    *CITATION_COLUMNS,
    *(column for facet in Facet.values for column in (facet, f"{facet}_ids")),
    *SUPPORT_COLUMNS,
]

_RELATION_RANK = Case(
    When(citation__relation=Citation.Relation.REFERENCE, then=0),
    When(citation__relation=Citation.Relation.CITED_BY, then=1),
    default=2,
    output_field=IntegerField(),
)


def annotations_for_export(*, review: Review, user: Any, state: str = State.ACCEPTED) -> QuerySet[MechanismAnnotation]:
    """The review's annotations in `state` that the user may see (visitors: accepted ones only), in the review's
    order: references by position, then citing and similar papers, each paper's annotations oldest first."""
    visible = selectors.annotation_visible_to(user=user).filter(citation__review=review, state=state)
    ordered = visible.annotate(relation_rank=_RELATION_RANK).order_by(
        "relation_rank", "citation__position", "citation_id", "created_at", "pk"
    )
    return selectors.annotation_prefetch(ordered)


def timestamp(moment: datetime | None) -> str:
    """An instant in UTC, ISO 8601 with a Z: the same text whatever the server's time zone."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else ""


def term_data(term: Term) -> dict:
    return {
        "id": term.pk,
        "label": term.label,
        "identifier": term.identifier,
        "source": term.identifier_source,
        "url": term.identifier_url,
    }


def citation_data(citation: Citation) -> dict:
    """The annotated citation; its article when it has one, else the identifiers the review cites."""
    article = citation.article
    return {
        "review_pmid": citation.review.article.pmid,
        "relation": citation.relation,
        "position": citation.position,
        "pmid": article.pmid if article else citation.cited_pmid,
        "doi": article.doi if article else citation.cited_doi,
        "pmcid": article.pmcid if article else citation.cited_pmcid,
        "title": plain_text(article.title if article else citation.citation_text),
    }


def annotation_data(annotation: MechanismAnnotation) -> dict:
    """One mechanism as JSON: the citation, the terms of every facet (empty lists included) and the support.

    Needs the annotation as `selectors.annotation_prefetch` loads it (terms, citation, article, review)."""
    facets = annotation.values_by_facet()
    return {
        "id": annotation.pk,
        "state": annotation.state,
        "citation": citation_data(annotation.citation),
        "facets": {facet: [term_data(term) for term in facets[facet]] for facet in Facet.values},
        "quote": annotation.quote,
        "figure": annotation.figure,
        "confidence": annotation.confidence,
        **{field: getattr(annotation, field) for field in SYSTEM_FIELDS},
        "evidence_level": annotation.evidence_level,
        "reviewed_at": timestamp(annotation.reviewed_at),
    }


def annotation_row(data: dict) -> list[str]:
    """The JSON shape of `annotation_data` flattened into the CSV columns."""
    values: dict[str, Any] = {"annotation_id": data["id"], "state": data["state"], **data["citation"]}
    for facet, terms in data["facets"].items():
        values[facet] = LIST_SEPARATOR.join(term["label"] for term in terms)
        values[f"{facet}_ids"] = LIST_SEPARATOR.join(term["identifier"] for term in terms)
    values.update({column: data[column] for column in SUPPORT_COLUMNS})
    return ["" if values[column] is None else str(values[column]) for column in ANNOTATION_COLUMNS]


def annotation_csv_chunks(annotations: Iterable[MechanismAnnotation]) -> Iterator[str]:
    """A header row, then one row per annotation."""

    def rows() -> Iterator[list[str]]:
        yield ANNOTATION_COLUMNS
        for annotation in annotations:
            yield annotation_row(annotation_data(annotation))

    return rows_as_csv(rows())


def annotation_json_chunks(annotations: Iterable[MechanismAnnotation]) -> Iterator[str]:
    """A JSON array, one annotation per chunk, keys sorted so the same data always gives the same text."""
    separator = "[\n"
    for annotation in annotations:
        yield separator + json.dumps(annotation_data(annotation), ensure_ascii=False, sort_keys=True)
        separator = ",\n"
    yield "[\n]\n" if separator == "[\n" else "\n]\n"


def vocabulary_data(terms: Iterable[Term]) -> list[dict]:
    """The controlled vocabulary as released: every term, retired and merged ones too, since annotations may
    still hold a retired term and a merged id tells where its annotations went."""
    return [
        {
            **term_data(term),
            "facet": term.facet,
            "synonyms": list(term.synonyms or []),
            "description": term.description,
            "status": term.status,
            "merged_into": term.merged_into_id,
            "allows_drug": term.allows_drug,
        }
        for term in terms
    ]
