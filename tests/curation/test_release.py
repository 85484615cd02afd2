"""The data release: one zip, the same bytes for the same data, a manifest whose hashes match its files."""

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from importlib import metadata

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Citation, Review
from curation.models import Facet, MechanismAnnotation, Term
from curation.release import release_build
from tests.articles.export_readers import CSL_SCHEMA

from .factories import ArticleFactory, CitationFactory, MechanismAnnotationFactory, ReviewFactory, term

pytestmark = pytest.mark.django_db

REVIEW_PMID = 34852849
DATA_FILES = ["records.csl.json", "records.csv", "annotations.csv", "annotations.json", "vocabulary.json"]
# Every row is stamped with this moment, so the release date can be told apart from the time of the build.
NEWEST = datetime(2024, 5, 6, 7, 8, 10, tzinfo=UTC)
State = MechanismAnnotation.State


@pytest.fixture
def review():
    review = ReviewFactory(article=ArticleFactory(pmid=REVIEW_PMID, title="CAF exosomes: a <i>review</i>"))
    cited = ArticleFactory(pmid=31000001, title="Müller's <i>β-catenin</i> study", authors=[{"collective_name": "G"}])
    reference = CitationFactory(review=review, article=cited, relation=Citation.Relation.REFERENCE, position=1)
    CitationFactory(review=review, article=None, relation="reference", position=2, citation_text="Unresolved 2020.")
    CitationFactory(review=review, relation=Citation.Relation.CITED_BY)
    moment = NEWEST - timedelta(days=3)
    MechanismAnnotationFactory(
        citation=reference,
        state=State.ACCEPTED,
        submitted_at=moment,
        reviewed_at=moment,
        quote="CAF exosomal miR-21 confers resistance.",
        terms=[term(Facet.CARGO, "miR-21"), term(Facet.EFFECT, "chemoresistance")],
    )
    MechanismAnnotationFactory(citation=reference, state=State.DRAFT, quote="Not public.")
    stamp_everything(NEWEST - timedelta(days=30))
    Article.objects.filter(pmid=31000001).update(updated_at=NEWEST)
    return Review.objects.select_related("article").get(pk=review.pk)


def stamp_everything(moment: datetime) -> None:
    """Set every row's last change (update() leaves auto_now alone)."""
    for model in (Article, Citation, MechanismAnnotation, Term):
        model.objects.update(updated_at=moment)


def entries(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_two_builds_of_the_same_data_are_the_same_bytes(review, api_client):
    first = release_build(review=review)
    second = release_build(review=review)
    assert first.content == second.content
    response = api_client.get(f"/api/v1/reviews/{REVIEW_PMID}/release/")
    assert response.status_code == 200 and response.content == first.content
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{first.filename}"'
    assert first.filename == f"review-34852849-data-{first.version}.zip"


def test_the_manifest_hashes_and_counts_match_the_files(review):
    release = release_build(review=review)
    files = entries(release.content)
    assert list(files) == ["manifest.json", *DATA_FILES]
    manifest = json.loads(files["manifest.json"])
    assert manifest == release.manifest
    assert [entry["path"] for entry in manifest["files"]] == DATA_FILES
    for entry in manifest["files"]:
        assert entry["sha256"] == hashlib.sha256(files[entry["path"]]).hexdigest()
        assert entry["bytes"] == len(files[entry["path"]])
    assert manifest["counts"] == {
        "citations": 3,
        "reference": 2,
        "cited_by": 1,
        "similar": 0,
        "unresolved": 1,
        "annotations": 1,
        "terms": Term.objects.count(),
    }
    assert manifest["software"] == {"name": "cafex-portal", "version": metadata.version("cafex-portal")}
    assert manifest["review"] == {"pmid": REVIEW_PMID, "doi": review.article.doi, "title": "CAF exosomes: a review"}
    assert manifest["version"].startswith("2024.05.06-")


def test_the_release_date_is_the_newest_change_and_stamps_every_entry(review):
    release = release_build(review=review)
    assert release.manifest["released_at"] == "2024-05-06T07:08:10Z", "not the time of the build"
    with zipfile.ZipFile(io.BytesIO(release.content)) as archive:
        infos = archive.infolist()
    assert {info.date_time for info in infos} == {(2024, 5, 6, 7, 8, 10)}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}


def test_a_change_in_the_data_makes_a_new_version(review):
    before = release_build(review=review)
    later = NEWEST + timedelta(hours=1)
    Citation.objects.filter(position=2).update(citation_text="Unresolved, corrected 2021.", updated_at=later)
    after = release_build(review=review)
    assert after.content != before.content
    assert after.manifest["released_at"] == "2024-05-06T08:08:10Z"
    assert after.version != before.version
    hashes = lambda release: {e["path"]: e["sha256"] for e in release.manifest["files"]}  # noqa: E731
    changed = {path for path, sha in hashes(after).items() if hashes(before)[path] != sha}
    assert changed == {"records.csl.json", "records.csv"}


def test_the_files_hold_records_accepted_annotations_and_the_vocabulary(review):
    files = entries(release_build(review=review).content)
    records = json.loads(files["records.csl.json"])
    jsonschema.validate(records, CSL_SCHEMA)
    assert [item["id"] for item in records][1:] == ["ref1", "ref2"] and records[0]["id"].startswith("citedby-pmid")
    assert records[1]["title"] == "Müller's β-catenin study"
    rows = list(csv.DictReader(io.StringIO(files["records.csv"].decode("utf-8"), newline="")))
    assert [row["key"] for row in rows] == [item["id"] for item in records]
    annotations = json.loads(files["annotations.json"])
    assert [a["quote"] for a in annotations] == ["CAF exosomal miR-21 confers resistance."], "accepted only"
    assert annotations[0]["facets"]["cargo"][0]["identifier"] == "MIMAT0000076"
    annotation_rows = list(csv.DictReader(io.StringIO(files["annotations.csv"].decode("utf-8"), newline="")))
    assert [row["cargo"] for row in annotation_rows] == ["miR-21"]
    vocabulary = json.loads(files["vocabulary.json"])
    assert [facet["name"] for facet in vocabulary["facets"]] == list(Facet.values)
    cisplatin = next(t for t in vocabulary["terms"] if t["label"] == "cisplatin")
    assert (cisplatin["facet"], cisplatin["identifier"], cisplatin["source"]) == ("drug", "CHEBI:27899", "ChEBI")


def test_the_command_writes_the_same_archive(review, tmp_path):
    out = tmp_path / "release.zip"
    stdout = io.StringIO()
    call_command("data_release", str(REVIEW_PMID), "--out", str(out), stdout=stdout)
    assert out.read_bytes() == release_build(review=review).content
    assert "3 citations, 1 accepted annotations" in stdout.getvalue()
    call_command("data_release", str(REVIEW_PMID), "--out", str(tmp_path), stdout=io.StringIO())
    assert (tmp_path / release_build(review=review).filename).read_bytes() == out.read_bytes()
    with pytest.raises(CommandError, match="No review with PMID 1"):
        call_command("data_release", "1", "--out", str(out))


def test_an_unknown_review_has_no_release(api_client, db):
    response = api_client.get("/api/v1/reviews/1/release/")
    assert response.status_code == 404 and response.json() == {"detail": "No review with this PMID."}
