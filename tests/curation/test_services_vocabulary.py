"""Curating the vocabulary: add, edit, merge, retire."""

import pytest

from cafex_portal.exceptions import ApplicationError
from curation import services
from curation.models import AnnotationRevision, MechanismAnnotation, Term

from .factories import CitationFactory, TermFactory, complete_values, curator, editor

pytestmark = pytest.mark.django_db


def test_create_cleans_names_and_normalises_the_identifier():
    user = editor()
    term = services.term_create(
        facet="drug",
        label=" docetaxel ",
        user=user,
        synonyms=["Taxotere", "taxotere", "docetaxel", " "],
        identifier="chebi:59809",
    )
    assert (term.label, term.synonyms, term.identifier) == ("docetaxel", ["Taxotere"], "CHEBI:59809")
    assert term.identifier_source == "ChEBI"
    assert term.identifier_url.endswith("CHEBI:59809")
    assert term.created_by == user
    assert term.search_text == "|docetaxel|taxotere|"


@pytest.mark.parametrize(
    "kwargs, field, fragment",
    [
        ({"label": "MIR-21"}, "label", "“miR-21” is already a cargo term"),
        ({"label": "miR-99", "identifier": "MIMAT0000076"}, "identifier", "already identifies “miR-21”"),
        ({"label": "miR-99", "identifier": "PMID:123"}, "identifier", "not an identifier we know"),
        ({"label": "   "}, "label", "Give the term a label"),
        ({"label": "miR-99", "allows_drug": True}, "allows_drug", "Only effect terms"),
    ],
)
def test_create_refuses_clashes_and_bad_identifiers(kwargs, field, fragment):
    with pytest.raises(ApplicationError) as excinfo:
        services.term_create(facet="cargo", user=editor(), **kwargs)
    assert fragment in " ".join(excinfo.value.extra["errors"][field])


TOO_LONG = [
    ({"label": "x" * 201}, "label", "200 characters or fewer"),
    ({"synonyms": ["ok", "s" * 1_000_000]}, "synonyms", "200 characters or fewer"),
    ({"synonyms": [f"name {n}" for n in range(51)]}, "synonyms", "at most 50 synonyms"),
    ({"description": "d" * 2001}, "description", "2,000 characters or fewer"),
    ({"identifier": "HGNC:" + "1" * 60}, "identifier", "64 characters or fewer"),
]


@pytest.mark.parametrize("kwargs, field, fragment", TOO_LONG)
def test_create_keeps_names_and_description_to_a_bounded_size(kwargs, field, fragment):
    with pytest.raises(ApplicationError) as excinfo:
        services.term_create(facet="cargo", user=editor(), **{"label": "miR-99", **kwargs})
    assert excinfo.value.status_code == 400
    assert fragment in " ".join(excinfo.value.extra["errors"][field])
    assert not Term.objects.filter(facet="cargo", label="miR-99").exists()


@pytest.mark.parametrize("kwargs, field, fragment", TOO_LONG)
def test_update_keeps_names_and_description_to_a_bounded_size(kwargs, field, fragment):
    term = TermFactory(facet="cargo", label="miR-99", synonyms=["hsa-miR-99"], description="short")
    with pytest.raises(ApplicationError) as excinfo:
        services.term_update(term=term, user=editor(), **kwargs)
    assert fragment in " ".join(excinfo.value.extra["errors"][field])
    term.refresh_from_db()
    assert (term.label, term.synonyms, term.description, term.identifier) == ("miR-99", ["hsa-miR-99"], "short", "")


@pytest.mark.parametrize("field", ["label", "identifier", "description"])
def test_text_fields_must_be_text(field):
    with pytest.raises(ApplicationError) as excinfo:
        services.term_create(facet="cargo", user=editor(), **{"label": "miR-99", field: ["not", "text"]})
    assert list(excinfo.value.extra["errors"]) == [field]


def test_the_limits_themselves_are_allowed():
    term = services.term_create(
        facet="cargo",
        label="x" * 200,
        user=editor(),
        synonyms=[f"{n:03d}" + "s" * 197 for n in range(50)],
        description="d" * 2000,
    )
    assert (len(term.label), len(term.synonyms), len(term.description)) == (200, 50, 2000)
    # Repeats of a name are dropped before counting.
    assert len(services.term_update(term=term, user=editor(), synonyms=[*term.synonyms, *term.synonyms]).synonyms) == 50


def test_a_merge_that_would_overfill_the_synonyms_is_refused():
    user = editor()
    source = TermFactory(facet="cargo", label="dup", synonyms=[f"dup {n}" for n in range(30)])
    target = TermFactory(facet="cargo", label="kept", synonyms=[f"kept {n}" for n in range(30)])
    with pytest.raises(ApplicationError) as excinfo:
        services.term_merge(source=source, target=target, user=user)
    assert "at most 50 synonyms" in " ".join(excinfo.value.extra["errors"]["into"])
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.status, len(target.synonyms)) == (Term.Status.ACTIVE, 30)


def test_vocabulary_limits_through_the_api(api_client):
    api_client.force_authenticate(editor())
    huge = api_client.post(
        "/api/v1/vocabulary/", {"facet": "cargo", "label": "miR-99", "synonyms": ["s" * 1_000_000]}, format="json"
    )
    assert huge.status_code == 400 and list(huge.json()["errors"]) == ["synonyms"]
    term = api_client.post("/api/v1/vocabulary/", {"facet": "cargo", "label": "miR-99"}, format="json").json()
    long = api_client.patch(f"/api/v1/vocabulary/{term['id']}/", {"description": "d" * 2001}, format="json")
    assert long.status_code == 400 and list(long.json()["errors"]) == ["description"]
    many = api_client.patch(
        f"/api/v1/vocabulary/{term['id']}/", {"synonyms": [f"n{n}" for n in range(51)]}, format="json"
    )
    assert many.status_code == 400 and list(many.json()["errors"]) == ["synonyms"]
    assert Term.objects.get(pk=term["id"]).synonyms == [] and Term.objects.get(pk=term["id"]).description == ""


def test_the_same_label_may_live_in_two_facets():
    term = services.term_create(facet="target", label="miR-21", user=editor())
    assert term.facet == "target"


def test_update_edits_allowed_fields_only():
    term = TermFactory(facet="effect", label="senescence")
    updated = services.term_update(term=term, user=editor(), synonyms=["SASP"], allows_drug=True, description="d")
    assert (updated.synonyms, updated.allows_drug, updated.description) == (["SASP"], True, "d")
    assert updated.search_text == "|senescence|sasp|"
    with pytest.raises(ApplicationError, match="merge or retire"):
        services.term_update(term=term, user=editor(), status="merged")


def test_merge_moves_annotations_names_and_identifier_and_keeps_history():
    user = editor()
    source = TermFactory(facet="cargo", label="miR-21-5p (dup)", synonyms=["hsa-miR-21 dup"], identifier="")
    target = TermFactory(facet="cargo", label="miR-21 (kept)")
    both = TermFactory(facet="cargo", label="miR-other")
    author = curator()
    moved = services.annotation_create(citation=CitationFactory(), user=author, values={"cargo": [source.pk]})
    already = services.annotation_create(
        citation=CitationFactory(), user=author, values={"cargo": [target.pk, source.pk, both.pk]}
    )
    untouched = services.annotation_create(citation=CitationFactory(), user=author, values={"cargo": [both.pk]})

    result = services.term_merge(source=source, target=target, user=user)

    assert result.pk == target.pk
    source.refresh_from_db()
    assert (source.status, source.merged_into) == (Term.Status.MERGED, target)
    assert result.synonyms == ["miR-21-5p (dup)", "hsa-miR-21 dup"]
    assert "|mir-21-5p (dup)|" in result.search_text
    moved = MechanismAnnotation.objects.get(pk=moved.pk)
    already = MechanismAnnotation.objects.get(pk=already.pk)
    assert [t.pk for t in moved.values_by_facet()["cargo"]] == [target.pk]
    assert [t.pk for t in already.values_by_facet()["cargo"]] == [target.pk, both.pk]
    assert (moved.version, already.version) == (2, 2)
    assert MechanismAnnotation.objects.get(pk=untouched.pk).version == 1
    revision = moved.revisions.order_by("-pk").first()
    assert (revision.action, revision.actor, revision.version) == (AnnotationRevision.Action.TERM_MERGED, user, 2)
    assert revision.changes == {"cargo": {"from": ["miR-21-5p (dup)"], "to": ["miR-21 (kept)"]}}
    assert moved.revisions.first().snapshot["values"]["cargo"][0]["id"] == source.pk  # the old revision stays


def test_merge_flattens_earlier_merges_and_frees_the_label():
    user = editor()
    a, b, c = (TermFactory(facet="donor", label=label) for label in ("iCAF dup", "iCAF dup 2", "iCAF main"))
    services.term_merge(source=a, target=b, user=user)
    services.term_merge(source=b, target=c, user=user)
    a.refresh_from_db()
    assert a.merged_into == c
    assert services.term_create(facet="donor", label="iCAF dup", user=user).status == Term.Status.ACTIVE


@pytest.mark.parametrize(
    "case, fragment",
    [
        ("self", "cannot be merged into itself"),
        ("other_facet", "only terms of one facet can be merged"),
        ("retired_target", "merge into an active term"),
    ],
)
def test_merge_refusals(case, fragment):
    user = editor()
    source = TermFactory(facet="cargo")
    target = {
        "self": source,
        "other_facet": TermFactory(facet="target"),
        "retired_target": TermFactory(facet="cargo", status="retired"),
    }[case]
    with pytest.raises(ApplicationError) as excinfo:
        services.term_merge(source=source, target=target, user=user)
    assert fragment in excinfo.value.message
    source.refresh_from_db()
    assert source.status == Term.Status.ACTIVE


def test_retire_and_reactivate():
    user = editor()
    term = TermFactory()
    assert services.term_retire(term=term, user=user).status == Term.Status.RETIRED
    with pytest.raises(ApplicationError, match="already retired"):
        services.term_retire(term=term, user=user)
    assert services.term_reactivate(term=term, user=user).status == Term.Status.ACTIVE


def test_a_merged_term_cannot_be_edited():
    user = editor()
    source, target = TermFactory(), TermFactory()
    services.term_merge(source=source, target=target, user=user)
    with pytest.raises(ApplicationError, match="edit that term instead"):
        services.term_update(term=source, user=user, description="x")


def test_merge_into_a_drug_effect_keeps_drug_annotations_valid():
    user = editor()
    dup = TermFactory(facet="effect", label="chemo-resistance (dup)", allows_drug=True)
    values = complete_values(effect=[dup.pk])
    annotation = services.annotation_create(citation=CitationFactory(), user=curator(), values=values)
    target = Term.objects.get(facet="effect", label="chemoresistance")
    services.term_merge(source=dup, target=target, user=user)
    annotation = MechanismAnnotation.objects.get(pk=annotation.pk)
    assert [t.label for t in annotation.values_by_facet()["effect"]] == ["chemoresistance"]
