"""The curation story the browser tests follow: its review, its people, and its steps written through the services.

A test of one step starts from the state the steps before it leave, made here without a browser.
"""

from dataclasses import dataclass

from articles.models import Citation, Review
from curation import services
from curation.models import MechanismAnnotation, Term
from curation.vocabulary_seed import seed_vocabulary
from tests.articles.factories import ArticleFactory, CitationFactory, ReviewFactory
from tests.curation.factories import curator, editor

PASSWORD = "pw-for-tests-only"  # every factory-made user's

ABSTRACT = [
    {
        "label": "Background",
        "category": "BACKGROUND",
        "text": "Cancer-associated fibroblasts (CAFs) release exosomes that reach gastric cancer cells. "
        "How their cargo lets tumours escape <i>cisplatin</i> and paclitaxel is not known.",
    },
    {
        "label": "Results",
        "category": "RESULTS",
        "text": "Exosomal miR-522 from CAFs was taken up by cancer cells, where it targeted ALOX15, lowered lipid-ROS "
        "and blocked ferroptosis, which promoted chemoresistance in vitro and in a mouse model.",
    },
    {
        "label": "Conclusions",
        "category": "CONCLUSIONS",
        "text": "CAF-derived miR-522 suppresses ferroptosis and is a candidate therapeutic target in gastric cancer.",
    },
]

# The mechanism the curator picks by keyboard, facet by facet in the order picked.
MECHANISM = {
    "cargo_type": ["miRNA"],
    "cargo": ["miR-522"],
    "donor": ["CAF (unspecified)"],
    "recipient_cell": ["cancer cell"],
    "cancer_type": ["gastric cancer"],
    "target": ["ALOX15"],
    "effect": ["chemoresistance", "ferroptosis/apoptosis resistance"],
    "direction": ["promotes"],
    "drug": ["cisplatin"],
    "evidence": ["in vivo (mouse)", "in vitro"],
}
QUOTE = "CAF-derived exosomal miR-522 inhibits ferroptosis by targeting ALOX15."


@dataclass
class Scene:
    """The review, its five references and the people who curate them."""

    review: Review
    first: Citation
    second: Citation
    others: list[Citation]
    cora: object  # the curator at the keyboard
    eddie: object  # the editor
    hana: object  # another curator

    @property
    def queue(self) -> str:
        return f"/reviews/{self.review.article.pmid}/curation/"

    def workspace(self, citation: Citation) -> str:
        return f"{self.queue}{citation.pk}/"


def seed_review() -> Scene:
    # A transactional test may start on a database an earlier one flushed: bring the vocabulary back first.
    seed_vocabulary(Term)
    review = ReviewFactory(
        article__title="Cancer associated-fibroblast-derived exosomes in cancer progression", article__pmid=34852849
    )
    first = CitationFactory(
        review=review,
        relation=Citation.Relation.REFERENCE,
        position=1,
        article=ArticleFactory(
            pmid=39000001,
            doi="10.1000/cafex.demo.1",
            title="CAF secreted miR-522 suppresses ferroptosis and promotes acquired chemo-resistance in gastric cancer",
            journal_iso="Mol Cancer",
            pub_year=2020,
            volume="19",
            pages="43",
            pmcid="PMC7045485",
            abstract=ABSTRACT,
        ),
    )
    second = CitationFactory(
        review=review,
        relation=Citation.Relation.REFERENCE,
        position=2,
        article__pmid=39000002,
        article__doi="10.1000/cafex.demo.2",
        article__title="Hallmarks of cancer: the next generation",
    )
    others = [
        CitationFactory(
            review=review,
            relation=Citation.Relation.REFERENCE,
            position=position,
            article__pmid=39000000 + position,
            article__doi=f"10.1000/cafex.demo.{position}",
            article__title=f"Exosomal {name} from fibroblasts drives {effect} in {cancer} cancer",
        )
        for position, (name, effect, cancer) in enumerate(
            [("miR-21", "invasion", "ovarian"), ("lncRNA H19", "stemness", "colorectal"), ("Wnt10b", "EMT", "breast")],
            start=3,
        )
    ]
    return Scene(review, first, second, others, cora=curator("cora"), eddie=editor("eddie"), hana=curator("hana"))


def term_ids(**labels: str) -> dict[str, list[int]]:
    return {facet: [Term.objects.get(facet=facet, label=label).pk] for facet, label in labels.items()}


def labels_by_facet(annotation: MechanismAnnotation) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for facet, label in sorted(annotation.terms.values_list("facet", "label")):
        found.setdefault(facet, []).append(label)
    return found


def submit_for_review(citation, author, cargo: str, effect: str) -> MechanismAnnotation:
    services.screening_set(citation=citation, user=author, decision="in_scope")
    annotation = services.annotation_create(
        citation=citation,
        user=author,
        values=term_ids(cargo=cargo, effect=effect, direction="promotes", evidence="in vitro"),
        quote="Knock-down of the cargo in CAFs abolished the effect.",
        confidence="medium",
    )
    return services.annotation_submit(annotation=annotation, user=author)


# The steps of the story as services, each leaving the state the browser steps would leave.


def first_in_scope(scene: Scene) -> None:
    services.screening_set(citation=scene.first, user=scene.cora, decision="in_scope")


def first_annotated(scene: Scene) -> MechanismAnnotation:
    values = {
        facet: [Term.objects.get(facet=facet, label=label).pk for label in labels]
        for facet, labels in MECHANISM.items()
    }
    return services.annotation_create(citation=scene.first, user=scene.cora, values=values, quote=QUOTE)


def first_annotated_and_submitted(scene: Scene) -> MechanismAnnotation:
    return services.annotation_submit(annotation=first_annotated(scene), user=scene.cora)


def second_out_of_scope(scene: Scene) -> None:
    services.screening_set(citation=scene.second, user=scene.cora, decision="out_of_scope", reason="not_ev")


def others_submitted(scene: Scene) -> list[MechanismAnnotation]:
    """Meanwhile another curator submitted two more."""
    return [
        submit_for_review(scene.others[0], scene.hana, "miR-21", "EMT/invasion/migration"),
        submit_for_review(scene.others[1], scene.hana, "lncRNA H19", "stemness"),
    ]


def ready_for_the_editor(scene: Scene) -> MechanismAnnotation:
    first_in_scope(scene)
    annotation = first_annotated_and_submitted(scene)
    second_out_of_scope(scene)
    others_submitted(scene)
    return annotation


def all_accepted(scene: Scene) -> MechanismAnnotation:
    annotation = ready_for_the_editor(scene)
    services.annotation_accept(annotation=annotation, user=scene.eddie)
    others = MechanismAnnotation.objects.filter(state=MechanismAnnotation.State.SUBMITTED).order_by("pk")
    services.annotation_bulk_accept(annotations=list(others), user=scene.eddie)
    return annotation
