"""The bundled review loads completely and idempotently."""

import pytest
from django.core.management import call_command

from articles.models import Article, Citation, Review

pytestmark = pytest.mark.django_db

REVIEW_PMID = 34852849


def test_bundled_review_has_its_record_and_network(demo_review):
    article = demo_review.article
    assert article.pmid == REVIEW_PMID
    assert article.pmcid == "PMC8638446"
    assert article.doi == "10.1186/s12943-021-01463-y"
    assert article.plain_title == "Cancer associated-fibroblast-derived exosomes in cancer progression"
    assert article.abstract[0]["text"].startswith("To identify novel cancer therapies")
    assert article.keywords == ["CAFs", "TME", "biomarkers", "cancer cells", "exosomes", "immune cells"]
    by_relation = {
        relation: list(demo_review.citations.filter(relation=relation).order_by("position", "pk"))
        for relation in Citation.Relation.values
    }
    assert {a.article.pmid for a in by_relation["similar"]} == {39814123, 32496970, 34635121, 35058933, 32957712}
    assert {a.article.pmid for a in by_relation["cited_by"]} == {39308671, 38298209, 38130701, 36644823, 37635909}
    references = by_relation["reference"]
    assert [c.position for c in references] == [1, 2, 3, 4, 5]
    assert all(c.article is None for c in references), "reference PMIDs are unknown until a sync resolves them"
    assert references[0].citation_text.startswith("Hanahan D, Weinberg RA. Hallmarks of cancer")
    cited = Article.objects.get(pmid=36644823)
    assert (cited.journal_iso, cited.pub_year, cited.volume, cited.issue, cited.pages) == (
        "Cancer Sci",
        2023,
        "114",
        "5",
        "1929-1942",
    )


def test_loading_twice_duplicates_nothing(demo_review):
    counts = (Article.objects.count(), Review.objects.count(), Citation.objects.count())
    call_command("load_demo")
    call_command("load_demo")
    assert (Article.objects.count(), Review.objects.count(), Citation.objects.count()) == counts == (11, 1, 15)


def test_loading_again_keeps_what_a_sync_stored(demo_review):
    article = Article.objects.get(pmid=36644823)
    article.title = "Synced title"
    article.journal_title = "Cancer science"
    article.save()
    resolved = Article.objects.create(pmid=21376230, title="Hallmarks of cancer: the next generation.")
    Citation.objects.filter(review=demo_review, relation="reference", position=1).update(article=resolved)

    call_command("load_demo")

    article.refresh_from_db()
    assert (article.title, article.journal_title) == ("Synced title", "Cancer science")
    assert Citation.objects.get(review=demo_review, relation="reference", position=1).article == resolved
