"""What the page tests share besides fixtures: annotations in a given state, the form data they post, the URLs."""

from curation import services
from curation.models import Facet, MechanismAnnotation
from tests.curation.factories import editor, term

HTMX = {"HTTP_HX_REQUEST": "true"}


def mechanism_values() -> dict[str, list[int]]:
    """A mechanism complete enough to submit: cargo, effect, direction and evidence."""
    return {
        Facet.CARGO_TYPE: [term("cargo_type", "miRNA").pk],
        Facet.CARGO: [term("cargo", "miR-522").pk],
        Facet.EFFECT: [term("effect", "chemoresistance").pk],
        Facet.DIRECTION: [term("direction", "promotes").pk],
        Facet.EVIDENCE: [term("evidence", "in vitro").pk],
    }


def post_data(values: dict[str, list[int]], **extra) -> dict:
    data = {facet: ids for facet, ids in values.items()}
    data.update(extra)
    return data


def annotation(citation, author, *, state="draft") -> MechanismAnnotation:
    created = services.annotation_create(citation=citation, user=author, values=mechanism_values(), quote="Fig. 2")
    if state in ("submitted", "accepted", "rejected"):
        services.annotation_submit(annotation=created, user=author)
    if state in ("accepted", "rejected"):
        reviewer = editor()
        if state == "accepted":
            services.annotation_accept(annotation=created, user=reviewer)
        else:
            services.annotation_reject(annotation=created, user=reviewer, comment="Wrong cargo")
    created.refresh_from_db()
    return created


def queue_url(review) -> str:
    return f"/reviews/{review.article.pmid}/curation/"


def workspace_url(citation) -> str:
    return f"/reviews/{citation.review.article.pmid}/curation/{citation.pk}/"
