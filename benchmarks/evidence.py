"""The evidence pages with 10,000 accepted annotations: the browser, its filters, the pictures, a term page, the API.

The data are generated: a synthetic review (PMID 91,000,000, titled as a synthetic benchmark review) citing 2,000
synthetic articles, and 10,000 accepted annotations drawn from the starting vocabulary, each with a cargo type, a
cargo, a donor, a recipient cell, a cancer type, a target, one or two effects, a direction and an evidence term.
Each figure is the median time of a whole request through Django's test client (URL, view, queries, template),
after warm-up, on the database the run uses (SQLite, or PostgreSQL with DATABASE_URL).

Run: `python -m benchmarks.evidence` (part of `make bench`; `--quick` uses 2,000 annotations).
"""

import argparse
import os
import random
import statistics
import sys
from collections.abc import Callable

from benchmarks.timing import timings_ms

ANNOTATIONS = 10_000
ARTICLES = 2_000
REVIEW_PMID = 91_000_000
RUNS = 15
SEED = 20261129


def build(annotations: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article, Citation, Review
    from curation.models import AnnotationTerm, Facet, MechanismAnnotation, Term
    from curation.vocabulary_seed import seed_vocabulary

    rng = random.Random(SEED)
    seed_vocabulary(Term)
    terms = {facet: list(Term.objects.filter(facet=facet)) for facet in Facet.values}
    review = Review.objects.create(
        article=Article.objects.create(pmid=REVIEW_PMID, title="Synthetic benchmark review", pub_year=2024)
    )
    articles = Article.objects.bulk_create(
        Article(pmid=REVIEW_PMID + 1 + n, title=f"Synthetic article {n}", journal_iso=f"J Synth {n % 40}",
                pub_year=2000 + n % 25)
        for n in range(ARTICLES)
    )  # fmt: skip
    citations = Citation.objects.bulk_create(
        Citation(review=review, article=article, relation=Citation.Relation.REFERENCE, position=n + 1)
        for n, article in enumerate(articles)
    )
    author = get_user_model().objects.create(username="synthetic-curator")
    now = timezone.now()
    rows = MechanismAnnotation.objects.bulk_create(
        MechanismAnnotation(citation=rng.choice(citations), author=author, state="accepted", submitted_at=now,
                            reviewed_at=now, quote="Synthetic quote.")
        for _ in range(annotations)
    )  # fmt: skip
    one = [Facet.CARGO_TYPE, Facet.CARGO, Facet.DONOR, Facet.RECIPIENT_CELL, Facet.CANCER_TYPE, Facet.TARGET,
           Facet.DIRECTION, Facet.EVIDENCE]  # fmt: skip
    links = []
    for annotation in rows:
        chosen = [rng.choice(terms[facet]) for facet in one] + rng.sample(terms[Facet.EFFECT], rng.randint(1, 2))
        links.extend(AnnotationTerm(annotation=annotation, term=term) for term in chosen)
    AnnotationTerm.objects.bulk_create(links, batch_size=5_000)
    if connection.vendor == "postgresql":  # fresh bulk loads have no statistics yet; autovacuum would add them
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"  built {annotations:,} accepted annotations ({len(links):,} terms) on {ARTICLES:,} papers")


def median_ms(work: Callable[[], object], runs: int = RUNS, warmup: int = 2) -> float:
    return statistics.median(timings_ms(work, runs=runs, warmup=warmup))


def run(*, quick: bool = False) -> None:
    from django.db import connection
    from django.test import Client

    from curation.models import Term

    annotations = ANNOTATIONS // 5 if quick else ANNOTATIONS
    print(f"Evidence benchmark: {connection.vendor}, {annotations:,} accepted annotations, median of {RUNS} runs")
    build(annotations)
    client = Client()
    gastric = Term.objects.get(facet="cancer_type", label="gastric cancer").pk
    mirna = Term.objects.get(facet="cargo_type", label="miRNA").pk
    citation_ids = ",".join(str(pk) for pk in range(1, 101))
    pages = [
        ("evidence browser, first page of 50", "/evidence/", {}),
        ("evidence browser, two facets", "/evidence/", {"cancer_type": gastric, "cargo_type": mirna}),
        ("evidence browser, sorted by journal, page 20", "/evidence/", {"sort": "journal", "page": 20}),
        ("pictures (per year, two matrices)", "/evidence/pictures/", {}),
        ("term page, gastric cancer", "/terms/cancer_type/gastric cancer/", {}),
        ("review page chips, 100 citations", f"/evidence/reviews/{REVIEW_PMID}/chips/", {"ids": citation_ids}),
        ("review Mechanisms tab", f"/evidence/reviews/{REVIEW_PMID}/mechanisms/", {}),
        ("API list, 50 rows", "/api/v1/evidence/", {}),
        ("API facet counts", "/api/v1/evidence/facets/", {}),
        ("API matrix", "/api/v1/evidence/matrix/", {}),
        ("API network", "/api/v1/evidence/network/", {}),
        ("API network, one cancer type", "/api/v1/evidence/network/", {"cancer_type": gastric}),
    ]
    print(f"  {'request':<48} {'median ms':>10}")
    for name, url, params in pages:

        def get(url=url, params=params) -> None:
            response = client.get(url, params)
            assert response.status_code == 200, (url, response.status_code)

        print(f"  {name:<48} {median_ms(get):>10.1f}")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 annotations, for a smoke run")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafex_portal.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(quick=args.quick)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
