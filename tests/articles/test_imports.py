"""Importing citations into a review: resolution through the fake E-utilities, dedupe, preview then import, refused
files, roles, the editors' page, and hostile input."""

import random
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from articles.imports.pubmed import DOI_BATCH
from articles.models import Article, Citation
from tests import factories

from .factories import ArticleFactory, CitationFactory, ReviewFactory
from .test_import_parsers import NBIB

pytestmark = pytest.mark.django_db

FIRST = 41_000_001
COUNT = 60


def pmid(n: int) -> int:
    return FIRST + n


def doi(n: int) -> str:
    return f"10.5555/Imp.{n}"


def title(n: int) -> str:
    return f"Fibroblast exosome cargo study number {n} in tumour stroma"


@pytest.fixture
def ncbi(fake_ncbi):
    for n in range(COUNT):
        fake_ncbi.store.add_synthetic(pmid(n), title=title(n) + ".", doi=doi(n), authors=("Doe, Jane",))
    return fake_ncbi


@pytest.fixture
def review(db):
    return ReviewFactory()


@pytest.fixture
def editor(db):
    return factories.editor("edith")


@pytest.fixture
def api(editor) -> APIClient:
    client = APIClient()
    client.force_authenticate(editor)
    return client


def url(review) -> str:
    return f"/api/v1/reviews/{review.article.pmid}/imports/"


def paste(api, review, text: str, **options):
    return api.post(url(review), {"text": text, **options}, format="json")


def upload(api, review, name: str, data: bytes, **options):
    return api.post(url(review), {"file": SimpleUploadedFile(name, data), **options}, format="multipart")


def requests_to(fake, endpoint: str, since: int = 0) -> int:
    return sum(record.endpoint == endpoint for record in fake.requests[since:])


def outcomes(body) -> list[tuple]:
    return [(e["number"], e["outcome"], e["pmid"], e["position"]) for e in body["entries"]]


def rows() -> tuple[int, int]:
    return Citation.objects.count(), Article.objects.count()


# --- resolution -----------------------------------------------------------------------------------------------


def test_pasted_identifiers_in_every_accepted_form_become_numbered_references(api, review, ncbi):
    CitationFactory(review=review, relation="reference", position=4)
    text = (
        f"{pmid(0)}\nPMID: {pmid(1)}\nhttps://pubmed.ncbi.nlm.nih.gov/{pmid(2)}/\n"
        f"{doi(3)}, doi:{doi(4)} https://doi.org/{doi(5)}"
    )
    response = paste(api, review, text)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["counts"] == {"added": 6, "merged": 0, "skipped": 0, "unresolved": 0, "total": 6}
    assert outcomes(body) == [(n + 1, "added", pmid(n), 5 + n) for n in range(6)]
    stored = review.citations.filter(relation="reference", position__gte=5).order_by("position")
    assert [(c.position, c.article.pmid, c.cited_pmid) for c in stored] == [(5 + n, pmid(n), pmid(n)) for n in range(6)]
    assert Article.objects.get(pmid=pmid(3)).doi == doi(3)


def test_dois_are_resolved_in_or_ed_esearch_batches_then_one_efetch(api, review, ncbi):
    count = DOI_BATCH + 5
    response = paste(api, review, "\n".join(doi(n).lower() for n in range(count)), relation="similar")
    body = response.json()
    assert response.status_code == 201, body
    assert body["counts"]["added"] == count
    assert {e["pmid"] for e in body["entries"]} == {pmid(n) for n in range(count)}
    assert requests_to(ncbi, "esearch") == 2
    assert requests_to(ncbi, "efetch") == 1
    assert body["requests_made"] == 3
    first_search = next(r for r in ncbi.requests if r.endpoint == "esearch").params["term"][0]
    assert first_search.count(" OR ") == DOI_BATCH - 1 and f'"{doi(0).lower()}"[doi]' in first_search
    assert review.citations.filter(relation="similar", position__isnull=True).count() == count


def test_a_title_without_identifiers_is_found_by_a_title_search(api, review, ncbi):
    ris = f"TY  - JOUR\nTI  - {title(7).upper()}\nAU  - Doe, Jane\nER  - \n".encode()
    body = upload(api, review, "refs.ris", ris, relation="cited_by").json()
    assert outcomes(body) == [(1, "added", pmid(7), None)]
    assert requests_to(ncbi, "esearch") == 1


def test_an_nbib_upload_imports_its_pmids(api, review, ncbi):
    nbib = NBIB.replace("21376230", str(pmid(8))).replace("34852849", str(pmid(9))).encode()
    body = upload(api, review, "pubmed.nbib", nbib).json()
    assert [(e["outcome"], e["pmid"]) for e in body["entries"]] == [("added", pmid(8)), ("added", pmid(9))]
    assert review.citations.filter(article__pmid__in=[pmid(8), pmid(9)]).count() == 2


def test_a_paper_the_portal_holds_is_merged_without_asking_pubmed(api, review, ncbi):
    held = ArticleFactory(pmid=pmid(10), doi=doi(10), title=title(10))
    body = paste(api, review, f"{held.pmid}", relation="cited_by").json()
    assert outcomes(body) == [(1, "merged", held.pmid, None)]
    assert body["requests_made"] == 0 and ncbi.requests == []
    assert review.citations.get(relation="cited_by").article == held


def test_identifiers_pubmed_does_not_know_are_skipped_with_the_reason(api, review, ncbi):
    body = paste(api, review, "99999998\n10.9999/not.there\nsomething else").json()
    reasons = [(e["outcome"], e["reason"]) for e in body["entries"]]
    assert reasons[0] == ("skipped", "PMID 99999998 is not in PubMed.")
    assert reasons[1] == ("skipped", "DOI 10.9999/not.there is not in PubMed.")
    assert reasons[2][0] == "skipped" and reasons[2][1].startswith("No PMID or DOI here")
    assert review.citations.count() == 0


def test_unresolvable_file_entries_are_kept_as_unresolved_references_only(api, review, ncbi):
    ris = b"TY  - BOOK\nAU  - Alberts, B.\nTI  - Molecular biology of the cell, fourth edition\nPY  - 2002\nER  - \n"
    body = upload(api, review, "book.ris", ris, relation="reference").json()
    [entry] = body["entries"]
    assert (entry["outcome"], entry["unresolved"], entry["position"]) == ("added", True, 1)
    assert entry["reason"] == "No PubMed record has this title: added as an unresolved reference."
    kept = review.citations.get()
    assert (
        kept.article is None
        and kept.citation_text == "Alberts, B. Molecular biology of the cell, fourth edition. 2002."
    )
    body = upload(api, review, "book.ris", ris, relation="similar").json()
    assert body["entries"][0]["outcome"] == "skipped"
    assert body["entries"][0]["reason"].endswith("only references can be kept unresolved.")
    assert review.citations.count() == 1


# --- dedupe ---------------------------------------------------------------------------------------------------


def test_duplicates_of_the_list_by_pmid_doi_and_normalised_title_are_skipped(api, review, ncbi):
    by_pmid = ArticleFactory(pmid=pmid(11), doi=doi(11), title=title(11))
    by_doi = ArticleFactory(pmid=pmid(12), doi=doi(12), title=title(12))
    by_title = ArticleFactory(pmid=None, doi="", title="<i>Stromal</i> fibroblasts: a sequel, in three parts!")
    for position, article in enumerate([by_pmid, by_doi, by_title], start=1):
        CitationFactory(review=review, relation="reference", position=position, article=article)
    ris = (
        f"TY  - JOUR\nAN  - {pmid(11)}\nER  - \n"
        f"TY  - JOUR\nDO  - {doi(12).upper()}\nER  - \n"
        "TY  - JOUR\nTI  - STROMAL FIBROBLASTS — A SEQUEL IN THREE PARTS\nER  - \n"
    ).encode()
    body = upload(api, review, "dupes.ris", ris).json()
    assert [e["reason"] for e in body["entries"]] == [
        "Already cited as reference 1 (same PMID).",
        "Already cited as reference 2 (same DOI).",
        "Already cited as reference 3 (same title).",
    ]
    assert body["counts"]["skipped"] == 3 and review.citations.count() == 3


def test_duplicates_within_one_import_are_skipped_after_the_first(api, review, ncbi):
    text = f"{pmid(13)}\n{doi(13)}\nPMID: {pmid(13)}\n{pmid(14)}"
    body = paste(api, review, text).json()
    assert [(e["outcome"], e["reason"]) for e in body["entries"][1:3]] == [
        ("skipped", "The same paper as entry 1 (same DOI)."),
        ("skipped", "The same paper as entry 1 (same PMID)."),
    ]
    assert outcomes(body)[3] == (4, "added", pmid(14), 2)
    assert review.citations.count() == 2


def test_the_review_itself_is_not_imported(api, review, ncbi):
    body = paste(api, review, str(review.article.pmid), relation="similar").json()
    assert body["entries"][0]["reason"] == "This is the review itself (same PMID)."


def test_numbers_from_the_input_are_used_when_asked_and_a_taken_one_is_skipped(api, review, ncbi):
    CitationFactory(review=review, relation="reference", position=2)
    text = f"1. {pmid(15)}\n2. {pmid(16)}\n7. {pmid(17)}\n{pmid(18)}"
    body = paste(api, review, text, positions="file").json()
    assert outcomes(body) == [(1, "added", pmid(15), 1), (2, "skipped", pmid(16), None),
                              (3, "added", pmid(17), 7), (4, "added", pmid(18), 8)]  # fmt: skip
    assert body["entries"][1]["reason"] == "Position 2 is taken by another reference."
    body = paste(api, review, f"1. {pmid(19)}", dry_run=True).json()
    assert outcomes(body) == [(1, "added", pmid(19), 9)]  # numbers ignored unless asked: after the last


# --- preview, then exactly that ------------------------------------------------------------------------------


def test_a_preview_writes_nothing_and_the_import_writes_exactly_the_preview(api, review, ncbi):
    CitationFactory(review=review, relation="reference", position=1, article=ArticleFactory(pmid=pmid(20)))
    ArticleFactory(pmid=pmid(21), doi=doi(21), title=title(21))
    text = f"{pmid(20)}\n{pmid(21)}\n{doi(22)}\n{pmid(22)}\nnonsense"
    before = rows()
    preview = paste(api, review, text, dry_run=True)
    assert preview.status_code == 200
    assert rows() == before
    plan = preview.json()
    assert [e["outcome"] for e in plan["entries"]] == ["skipped", "merged", "added", "skipped", "skipped"]
    done = paste(api, review, text, confirm=plan["digest"])
    assert done.status_code == 201
    assert done.json()["entries"] == plan["entries"] and done.json()["digest"] == plan["digest"]
    written = review.citations.filter(position__gt=1).order_by("position")
    assert [(c.article.pmid, c.position) for c in written] == [
        (e["pmid"], e["position"]) for e in plan["entries"] if e["outcome"] != "skipped"
    ]
    assert rows() == (before[0] + 2, before[1] + 1)


def test_an_import_whose_plan_changed_since_the_preview_is_refused(api, review, ncbi):
    plan = paste(api, review, f"{pmid(23)}", dry_run=True).json()
    CitationFactory(review=review, relation="reference", position=1, article=ArticleFactory(pmid=pmid(23)))
    before = rows()
    response = paste(api, review, f"{pmid(23)}", confirm=plan["digest"])
    assert response.status_code == 409
    assert "changed since the preview" in response.json()["detail"]
    assert rows() == before


# --- refused input -------------------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


@pytest.mark.parametrize(
    ("name", "data", "options", "message"),
    [
        ("references.ris", PDF, {}, "This file is a PDF document, not a RIS file."),
        ("references.ris", PDF, {"format": "ris"}, "This file is a PDF document, not a RIS file."),
        ("pubmed.nbib", b"TI  - A title\nAU  - Smith J\n\n", {}, "it has no 'PMID- ' lines"),
        ("pubmed.nbib", b"TY  - JOUR\nTI  - x\nER  - \n", {"format": "nbib"}, "it looks like a RIS file"),
        ("refs.ris", bytes(random.Random(1).randrange(256) for _ in range(4000)), {}, "RIS file"),
        ("refs.ris", b"", {}, "The file is empty."),
        ("refs.txt", b"\x00" * 100, {"format": "pasted"}, "binary data"),
        ("refs.ris", b"TY  - JOUR\n" + b"T" * (5 * 1024 * 1024), {}, "larger than 5 MB"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_a_400_and_writes_nothing(api, review, ncbi, name, data, options, message):
    before = rows()
    response = upload(api, review, name, data, **options)
    assert response.status_code == 400
    body = response.json()
    assert message in body["detail"] and message in body["errors"]["file"][0]
    assert rows() == before and ncbi.requests == []


def test_text_and_file_together_or_neither_are_a_400(api, review):
    both = api.post(url(review), {"text": "1", "file": SimpleUploadedFile("a.ris", b"x")}, format="multipart")
    assert both.status_code == 400 and "either `text` or a `file`" in str(both.json()["errors"])
    assert api.post(url(review), {"relation": "reference"}, format="json").status_code == 400
    assert paste(api, review, "1", relation="cites").status_code == 400


def test_non_editors_get_403_anonymous_401_and_an_unknown_review_404(api, review, ncbi):
    curator_api = APIClient()
    curator_api.force_authenticate(factories.curator("carl"))
    response = paste(curator_api, review, f"{pmid(24)}")
    assert response.status_code == 403 and response.json()["detail"] == "Only editors can import citations."
    assert paste(APIClient(), review, f"{pmid(24)}").status_code in (401, 403)
    assert api.post("/api/v1/reviews/1/imports/", {"text": "1"}, format="json").status_code == 404
    assert review.citations.count() == 0 and ncbi.requests == []


def test_pubmed_not_answering_is_a_503_and_writes_nothing(api, review, settings):
    settings.NCBI_EUTILS_BASE_URL = "http://127.0.0.1:9/entrez/eutils/"
    settings.NCBI_MAX_ATTEMPTS = 1
    before = rows()
    response = paste(api, review, "10.1000/unreachable")
    assert response.status_code == 503
    assert "PubMed did not answer" in response.json()["detail"]
    assert rows() == before


def test_hostile_text_is_a_400_or_a_report_never_a_500(api, review, ncbi):
    generator = random.Random(7)
    alphabet = "abcXYZ019 -.,;:/()[]<>\"'\n\t%@#éß漢\u200b\u202e"
    for _ in range(15):
        garbage = "".join(generator.choice(alphabet) for _ in range(generator.randint(1, 5000)))
        for format in ("pasted", "ris", "nbib"):
            response = paste(api, review, garbage, format=format, dry_run=True)
            assert response.status_code in (200, 400), (format, response.content[:300])
    lines = "\n".join(str(n) for n in range(1, 100_001))
    response = paste(api, review, lines)
    assert response.status_code == 400 and "More than 2,000 citations" in response.json()["detail"]
    response = upload(api, review, "huge.txt", ("x" * 60 + "\n").encode() * 100_000, format="pasted")
    assert response.status_code == 400
    response = paste(api, review, "x" * (3 * 1024 * 1024))
    assert response.status_code == 400 and "upload a file instead" in response.json()["detail"]
    assert review.citations.count() == 0


def test_the_operation_is_in_the_schema(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/reviews/{pmid}/imports/"]["post"]
    assert set(operation["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"200", "201", "400", "403", "404", "409", "503"} <= set(operation["responses"])


# --- the editors' page ---------------------------------------------------------------------------------------


def _confirm_fields(page: str) -> dict:
    form = page[page.index('name="confirm" value="') - 400 :]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    text = re.search(r'<textarea name="text" hidden aria-hidden="true">\n?(.*?)</textarea>', page, re.DOTALL)
    return {**fields, "text": unescape(text.group(1))}


def test_an_editor_previews_then_confirms_on_the_page(client, editor, review, ncbi):
    client.force_login(editor)
    detail = client.get(f"/reviews/{review.article.pmid}/").content.decode()
    assert f'href="/reviews/{review.article.pmid}/import/"' in detail and "Import citations" in detail
    page_url = f"/reviews/{review.article.pmid}/import/"
    assert client.get(page_url).status_code == 200
    ris = f"TY  - JOUR\nDO  - {doi(30)}\nER  - \nTY  - JOUR\nAN  - {pmid(31)}\nER  - \n".encode()
    before = rows()
    preview = client.post(
        page_url, {"relation": "cited_by", "positions": "append", "file": SimpleUploadedFile("r.ris", ris)}
    )
    page = preview.content.decode()
    assert preview.status_code == 200 and "Import these 2" in page
    assert rows() == before
    fields = _confirm_fields(page)
    assert fields["format"] == "ris" and fields["relation"] == "cited_by" and fields["confirm"]
    done = client.post(page_url, fields)
    assert done.status_code == 302
    assert done["Location"] == f"/reviews/{review.article.pmid}/?tab=cited_by"
    assert {c.article.pmid for c in review.citations.filter(relation="cited_by")} == {pmid(30), pmid(31)}
    shown = client.get(done["Location"]).content.decode()
    assert "Imported 2 citations into the cited by list: 2 added, 0 merged, 0 skipped." in shown


def test_the_page_shows_refusals_and_is_for_editors_only(client, editor, review, ncbi):
    page_url = f"/reviews/{review.article.pmid}/import/"
    assert client.get(page_url).status_code == 302  # to the login page
    client.force_login(factories.curator("carl"))
    assert client.get(page_url).status_code == 403
    assert "Import citations" not in client.get(f"/reviews/{review.article.pmid}/").content.decode()
    client.force_login(editor)
    response = client.post(page_url, {"relation": "reference", "positions": "append",
                                      "file": SimpleUploadedFile("paper.ris", PDF)})  # fmt: skip
    assert response.status_code == 400
    assert "This file is a PDF document, not a RIS file." in response.content.decode()
    response = client.post(page_url, {"relation": "reference", "positions": "append", "text": "nonsense here"})
    assert response.status_code == 200 and "Nothing to import" in response.content.decode()
    assert review.citations.count() == 0
