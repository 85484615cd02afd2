"""Build the load test's data in its own database: the bundled review, a synthetic review to page through, people.

    DATABASE_URL=postgres://…/cafex_loadtest DJANGO_SETTINGS_MODULE=… python loadtest/build_data.py OUT.json

1. `manage.py migrate` and `manage.py load_demo`: the bundled review (PMID 34852849) as the portal ships it.
2. A synthetic review, PMID 99000000, titled "Synthetic load-test review …", with REFERENCES references,
   CITED_BY citing and SIMILAR similar articles, all generated (PMIDs 99000001 and up, titles "Synthetic article
   N …"). None of it is attached to the real review: it exists so that the API has pages to page through.
3. Curators (`loadcurator00`…) and an editor (`loadeditor`) with API tokens. Each curator owns a few draft
   annotations (saved with PATCH during the test) and a range of citations to screen, so concurrent curators
   never edit the same annotation; some annotations are submitted and accepted, so readers see some.

Writes OUT.json with what the locustfile needs (tokens, ids). Run on an empty database (loadtest/run.py drops
and creates it).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REAL_REVIEW = 34852849
SYNTHETIC_REVIEW = 99_000_000
REFERENCES = int(os.environ.get("LOADTEST_REFERENCES", 1500))
CITED_BY = int(os.environ.get("LOADTEST_CITED_BY", 400))
SIMILAR = 20
CURATORS = int(os.environ.get("LOADTEST_CURATORS", 20))
DRAFTS_PER_CURATOR = 8
ACCEPTED_PER_CURATOR = 5
SCREENING_PER_CURATOR = 20
FACETS = ("cargo_type", "cargo", "donor", "cancer_type", "effect", "direction", "evidence")

WORDS = (
    "cancer-associated fibroblasts exosomes extracellular vesicles miR-21 miR-155 tumour microenvironment "
    "metastasis chemoresistance macrophage polarisation angiogenesis stromal signalling TGF-beta IL-6 "
    "pancreatic breast colorectal gastric hepatocellular lung ovarian epithelial mesenchymal transition "
    "proliferation invasion lncRNA circRNA proteomics biomarker hypoxia glycolysis immune evasion"
).split()


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def build(out: Path) -> dict:
    manage("migrate", "--noinput", "-v", "0")
    manage("load_demo")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from rest_framework.authtoken.models import Token

    from articles.models import Article, Citation, Review
    from cafex_portal.roles import CURATOR_GROUP, EDITOR_GROUP
    from curation import services as curation
    from curation.models import Term

    rng = random.Random(20261129)
    with transaction.atomic():
        review_article = Article.objects.create(
            pmid=SYNTHETIC_REVIEW,
            title="Synthetic load-test review: generated data, not a real publication",
            abstract=[{"label": "", "category": "", "text": "Generated for the load test (loadtest/build_data.py)."}],
            journal_title="Synthetic Journal of Load Testing",
            journal_iso="Synth J Load Test",
            pub_year=2026,
            publication_types=["Review"],
            authors=[{"last_name": "Synthetic", "fore_name": "Data", "initials": "D"}],
        )
        review = Review.objects.create(article=review_article)
        total = REFERENCES + CITED_BY + SIMILAR
        articles = Article.objects.bulk_create(
            Article(
                pmid=SYNTHETIC_REVIEW + n,
                title=f"Synthetic article {n}: {sentence(rng, 8)}",
                abstract=[
                    {"label": "BACKGROUND", "category": "BACKGROUND", "text": sentence(rng, 60)},
                    {"label": "RESULTS", "category": "RESULTS", "text": sentence(rng, 90)},
                ],
                journal_title="Synthetic Journal of Load Testing",
                journal_iso="Synth J Load Test",
                volume=str(1 + n % 30),
                pages=f"{n}-{n + 9}",
                pub_year=2000 + n % 26,
                doi=f"10.5555/synthetic.{n}",
                authors=[{"last_name": f"Author{n % 97}", "fore_name": "Synthetic", "initials": "S"}],
                publication_types=["Journal Article"],
            )
            for n in range(1, total + 1)
        )
        citations = [
            Citation(
                review=review,
                relation=Citation.Relation.REFERENCE,
                position=n,
                article=articles[n - 1],
                cited_pmid=SYNTHETIC_REVIEW + n,
                citation_text=f"Synthetic reference {n}. {articles[n - 1].title}. Synth J Load Test. {2000 + n % 26}.",
            )
            for n in range(1, REFERENCES + 1)
        ]
        citations += [
            Citation(review=review, relation=Citation.Relation.CITED_BY, article=article)
            for article in articles[REFERENCES : REFERENCES + CITED_BY]
        ]
        citations += [
            Citation(review=review, relation=Citation.Relation.SIMILAR, article=article, score=1000.0 - i)
            for i, article in enumerate(articles[REFERENCES + CITED_BY :])
        ]
        Citation.objects.bulk_create(citations)

    User = get_user_model()
    curator_group, _ = Group.objects.get_or_create(name=CURATOR_GROUP)
    editor_group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    editor = User.objects.create_user("loadeditor", password=None)
    editor.groups.add(editor_group)
    references = list(review.citations.filter(relation=Citation.Relation.REFERENCE).order_by("position"))
    terms = {facet: list(Term.objects.filter(facet=facet).values_list("pk", flat=True)[:1]) for facet in FACETS}
    values = {facet: ids for facet, ids in terms.items() if ids}

    curators = []
    cursor = 0
    for number in range(CURATORS):
        user = User.objects.create_user(f"loadcurator{number:02d}", password=None)
        user.groups.add(curator_group)
        drafts = []
        for _ in range(DRAFTS_PER_CURATOR + ACCEPTED_PER_CURATOR):
            citation = references[cursor]
            cursor += 1
            annotation = curation.annotation_create(
                citation=citation, user=user, values=values, quote=sentence(rng, 12), figure="Fig. 1", notes=""
            )
            drafts.append(annotation)
        for annotation in drafts[DRAFTS_PER_CURATOR:]:
            annotation = curation.annotation_submit(annotation=annotation, user=user)
            curation.annotation_accept(annotation=annotation, user=editor, comment="Accepted for the load test.")
        screening = [c.pk for c in references[cursor : cursor + SCREENING_PER_CURATOR]]
        cursor += SCREENING_PER_CURATOR
        curators.append(
            {
                "username": user.username,
                "token": Token.objects.create(user=user).key,
                "annotations": [a.pk for a in drafts[:DRAFTS_PER_CURATOR]],
                "screening": screening,
            }
        )
    if cursor > len(references):
        raise SystemExit("Not enough synthetic references for the curators: raise LOADTEST_REFERENCES.")

    with connection.cursor() as cursor:  # fresh statistics, as a database in service has them
        cursor.execute("ANALYZE")

    real = Review.objects.get(article__pmid=REAL_REVIEW)
    fixture = {
        "real_review": REAL_REVIEW,
        "synthetic_review": SYNTHETIC_REVIEW,
        "real_citation_pages": -(-real.citations.count() // 50),
        "synthetic_citation_pages": -(-review.citations.count() // 50),
        # [pk, pmid]: pages address an article by id, the API by PMID; the real review's, then every 7th synthetic
        "articles": [
            *Article.objects.filter(citations__review=real).distinct().values_list("pk", "pmid"),
            *((a.pk, a.pmid) for a in articles[::7]),
        ],
        "editor_token": Token.objects.create(user=editor).key,
        "curators": curators,
        "search_terms": ["exosome", "fibroblast", "miR-21", "macrophage", "hypoxia", "Synthetic article 12", "2019"],
    }
    out.write_text(json.dumps(fixture, indent=1))
    print(
        f"Load-test data: synthetic review {SYNTHETIC_REVIEW} with {review.citations.count()} citations "
        f"({total} synthetic articles), {CURATORS} curators with {CURATORS * DRAFTS_PER_CURATOR} drafts and "
        f"{CURATORS * ACCEPTED_PER_CURATOR} accepted annotations; fixture {out}."
    )
    return fixture


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    build(Path(sys.argv[1]))
