from django.core.management.base import BaseCommand

from articles.services import demo_review_load


class Command(BaseCommand):
    help = "Load the bundled CAF-exosome review (PMID 34852849) with its citations. Safe to run again."

    def handle(self, *args, **options):
        review = demo_review_load()
        counts = {
            relation: review.citations.filter(relation=relation).count()
            for relation in ("reference", "cited_by", "similar")
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"Review PMID {review.article.pmid} loaded: {counts['reference']} references, "
                f"{counts['cited_by']} cited by, {counts['similar']} similar."
            )
        )
