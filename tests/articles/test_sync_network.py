"""The sync against a real fake E-utilities server over HTTP: what it stores of a review's network.

A first sync stores the whole network; later ones update what changed, raise alerts, report withdrawn PMIDs and
never touch curated data.
"""

import pytest
from django.core.management import call_command

from articles.models import Article, ArticleChange, Citation, EditorAlert, SyncRun
from fake_eutils.scenarios import demo_store
from tests.articles.sync_helpers import REVIEW, sync

pytestmark = pytest.mark.django_db


def test_first_sync_stores_the_whole_network(network, review, settings):
    settings.NCBI_SIMILAR_LIMIT = 5
    run = sync(review)

    assert run.state == SyncRun.State.SUCCEEDED, run.message
    review.article.refresh_from_db()
    assert review.article.plain_title == "A synthetic review of CAF-derived exosomes."
    references = list(review.citations.filter(relation="reference").order_by("position"))
    assert [c.position for c in references] == list(range(1, 11))
    assert [c.article.plain_title for c in references[:8]] == [f"Referenced study {n}." for n in range(1, 9)]
    assert [c.article for c in references[8:]] == [None, None]
    assert references[9].citation_text.startswith("Unindexed A.")
    assert review.citations.filter(relation="cited_by").count() == 4
    similar = list(review.citations.filter(relation="similar").order_by("-score").select_related("article"))
    assert [c.article.plain_title for c in similar] == [f"Similar study {n}." for n in range(1, 6)]
    assert REVIEW not in [c.article.pmid for c in similar], "an article is not its own neighbour"
    assert (run.total, run.done, run.new_count, run.unresolved_count, run.failed_count) == (17, 17, 17, 2, 0)
    # the review's record, two elinks and one batch of 17 ids
    assert run.requests_made == len(network.requests) == 4
    assert run.started_at and run.finished_at and run.duration_seconds is not None
    sent = network.requests[0].params
    assert sent["tool"] == ["cafex-portal"] and sent["email"] == ["curators@example.org"]


def test_a_second_run_stores_nothing_twice(network, review):
    sync(review)
    counts = (Article.objects.count(), Citation.objects.count())
    run = sync(review)
    assert (Article.objects.count(), Citation.objects.count()) == counts
    assert (run.new_count, run.updated_count, run.unchanged_count) == (0, 0, run.total)
    assert ArticleChange.objects.count() == 0


def test_changed_metadata_is_updated_with_a_record_of_what_changed(network, review):
    sync(review)
    cited = review.citations.filter(relation="cited_by").select_related("article").first().article
    network.store.add_synthetic(cited.pmid, title="Citing study, corrected title.", year=2024)
    run = sync(review)
    cited.refresh_from_db()
    assert cited.title == "Citing study, corrected title."
    assert run.updated_count == 1
    change = ArticleChange.objects.get(article=cited)
    assert change.changes["title"][1] == "Citing study, corrected title."
    assert change.sync_run == run


def test_new_citing_papers_appear_on_refresh(network, review):
    sync(review)
    network.store.add_synthetic(REVIEW + 500, title="A brand new citing paper.", year=2026)
    old = [link[0] for link in network.store.links(REVIEW, "pubmed_pubmed_citedin")["pubmed_pubmed_citedin"]]
    network.store.set_links(REVIEW, "pubmed_pubmed_citedin", [REVIEW + 500, *old])
    sync(review)
    assert review.citations.filter(relation="cited_by", article__pmid=REVIEW + 500).exists()


def test_a_newly_retracted_cited_paper_raises_an_editor_alert(network, review):
    sync(review)
    assert not EditorAlert.objects.exists()
    reference = review.citations.get(relation="reference", position=3).article
    network.store.add_synthetic(reference.pmid, title=reference.title, retracted=True, retraction_pmid=REVIEW + 900)
    sync(review)
    reference.refresh_from_db()
    assert reference.is_retracted
    alert = EditorAlert.objects.get(article=reference)
    assert alert.kind == EditorAlert.Kind.RETRACTION
    assert str(reference.pmid) in alert.message
    sync(review)
    assert EditorAlert.objects.count() == 1, "an alert is raised once"


def test_withdrawn_pmids_are_reported_and_nothing_stored_is_blanked(network, review):
    sync(review)
    gone = review.citations.get(relation="reference", position=2).article
    network.store.withdraw(gone.pmid)
    run = sync(review)
    assert run.state == SyncRun.State.PARTIAL
    assert run.failed_pmids == [gone.pmid]
    assert any(str(gone.pmid) in error for error in run.errors)
    gone.refresh_from_db()
    assert gone.plain_title == "Referenced study 2."
    assert review.citations.get(relation="reference", position=2).article == gone


def test_the_bundled_review_syncs_offline_and_says_only_what_the_bundle_holds(fake_ncbi, demo_review):
    fake_ncbi.store = demo_store()
    call_command("sync_review", "34852849", "--no-progress")
    run = SyncRun.objects.get()
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    demo_review.article.refresh_from_db()
    assert demo_review.article.author_names == ["Li C", "Teixeira AF", "Zhu HJ", "ten Dijke P"]
    references = demo_review.citations.filter(relation="reference")
    assert references.count() == 5  # the entries the seed shows; the recorded articles are not presented as references
    assert not references.filter(article__isnull=False).exists()
    citing = demo_review.citations.filter(relation="cited_by").select_related("article")
    assert citing.count() == 5
    assert all(citation.article.authors == [] for citation in citing)  # none in the bundle, so none invented


def test_a_sync_never_touches_curated_data(network, review):
    from curation.models import MechanismAnnotation, ScreeningDecision
    from curation.services import annotation_create, annotation_submit, screening_set
    from tests.curation.factories import complete_values, curator

    sync(review)
    citation = review.citations.get(relation="reference", position=1)
    someone = curator()
    screening_set(citation=citation, user=someone, decision="in_scope")
    annotation = annotation_create(citation=citation, user=someone, values=complete_values(), quote="Fig. 2")
    annotation_submit(annotation=annotation, user=someone)
    before = MechanismAnnotation.objects.get(pk=annotation.pk)
    # NCBI now reports the paper differently and the review's citing list changed
    network.store.add_synthetic(citation.article.pmid, title="Referenced study 1, revised.", year=2001)
    network.store.set_links(REVIEW, "pubmed_pubmed_citedin", [])

    run = sync(review)

    assert run.state == SyncRun.State.SUCCEEDED and run.updated_count == 1
    after = MechanismAnnotation.objects.get(pk=annotation.pk)
    assert (after.citation_id, after.state, after.version, after.quote) == (
        before.citation_id, before.state, before.version, before.quote
    )  # fmt: skip
    assert set(after.terms.values_list("pk", flat=True)) == set(before.terms.values_list("pk", flat=True))
    assert ScreeningDecision.objects.get(citation=citation).decision == "in_scope"
    assert review.citations.filter(relation="cited_by").count() == 4, "a citation is never dropped by a sync"


def test_a_doi_moving_between_records_in_one_batch_is_reported_not_fatal(network, review):
    sync(review)
    Article.objects.filter(pmid=REVIEW + 1).update(doi="")
    network.store.add_synthetic(REVIEW + 1, title="Referenced study 1.", year=2001, doi="10.9/shared")
    network.store.add_synthetic(REVIEW + 500, title="A twin record.", year=2022, doi="10.9/SHARED")
    network.store.set_links(REVIEW, "pubmed_pubmed_citedin", [REVIEW + 500])

    run = sync(review)

    assert run.state == SyncRun.State.PARTIAL, run.message
    assert Article.objects.get(pmid=REVIEW + 1).doi == "10.9/shared"
    assert Article.objects.get(pmid=REVIEW + 500).doi == ""
    assert any("DOI 10.9/SHARED is stored for PMID 90000001" in error for error in run.errors)
