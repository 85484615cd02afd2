"""Factories for articles, reviews and citations."""

import factory

from articles.models import Article, Citation, Review

DEMO_REVIEW_PMID = 34852849  # the bundled review that demo_review_load() and `manage.py load_demo` bring in


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    pmid = factory.Sequence(lambda n: 30_000_000 + n)
    doi = factory.Sequence(lambda n: f"10.1000/test.{n}")
    title = factory.Sequence(lambda n: f"Exosomal cargo study number {n}")
    journal_title = "Molecular cancer"
    journal_iso = "Mol Cancer"
    pub_year = 2022
    authors = factory.LazyFunction(
        lambda: [
            {"last_name": "Smith", "fore_name": "Anna", "initials": "A", "affiliations": [], "orcid": ""},
            {"collective_name": "CAF Consortium"},
        ]
    )
    publication_types = factory.LazyFunction(lambda: ["Journal Article"])


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    article = factory.SubFactory(ArticleFactory, publication_types=["Journal Article", "Review"])


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    review = factory.SubFactory(ReviewFactory)
    article = factory.SubFactory(ArticleFactory)
    relation = Citation.Relation.CITED_BY
