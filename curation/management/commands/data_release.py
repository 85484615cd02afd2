"""`manage.py data_release PMID --out FILE`: write a review's versioned data release (see curation.release)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles import selectors
from curation.release import release_build


class Command(BaseCommand):
    help = (
        "Write the data release of a review (citations, accepted annotations, vocabulary and a manifest) as a zip. "
        "The same data always gives the same bytes."
    )

    def add_arguments(self, parser):
        parser.add_argument("pmid", type=int, help="The review's PMID.")
        parser.add_argument(
            "--out",
            type=Path,
            help="Where to write the zip; a directory, or nothing for the current one, takes "
            "the release's own file name.",
        )

    def handle(self, *args, pmid: int, out: Path | None, **options):
        review = selectors.review_by_pmid(pmid=pmid, include_archived=True)  # an editor's tool: archived too
        if review is None:
            raise CommandError(f"No review with PMID {pmid}; add it first (manage.py sync_review {pmid}).")
        release = release_build(review=review)
        target = out or Path.cwd()
        if target.is_dir():
            target = target / release.filename
        try:
            target.write_bytes(release.content)
        except OSError as error:
            raise CommandError(f"Could not write {target}: {error.strerror or error}.") from error
        counts = release.manifest["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {target} (release {release.version}, {len(release.content)} bytes): "
                f"{counts['citations']} citations, {counts['annotations']} accepted annotations, "
                f"{counts['terms']} terms."
            )
        )
