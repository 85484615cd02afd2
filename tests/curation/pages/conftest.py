"""The people and the citation the page tests work with."""

import pytest

from articles.models import Citation
from tests.curation import factories


@pytest.fixture
def curator(db):
    return factories.curator("cora")


@pytest.fixture
def other_curator(db):
    return factories.curator("otto")


@pytest.fixture
def editor(db):
    return factories.editor("eddie")


@pytest.fixture
def reader(db):
    return factories.UserFactory(username="rita")


@pytest.fixture
def review(db):
    return factories.ReviewFactory()


@pytest.fixture
def citation(review):
    article = factories.ArticleFactory(
        title="CAF secreted <i>miR-522</i> suppresses ferroptosis in gastric cancer",
        abstract=[
            {"label": "", "category": "", "text": "Exosomal miR-522 from CAFs targets ALOX15 &amp; blocks <b>PTEN</b>."}
        ],
        pmcid="PMC7000001",
    )
    return factories.CitationFactory(review=review, article=article, relation=Citation.Relation.REFERENCE, position=1)
