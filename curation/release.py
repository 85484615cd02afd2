"""A versioned data release of a review: one zip archive, the same bytes for the same data.

The archive holds the review's citations (CSL-JSON and CSV), its accepted annotations (CSV and JSON), the
controlled vocabulary (JSON) and a manifest: counts, the SHA-256 of every file, the software version, and the
release date, which is the newest change in the data rather than the moment of the build. Everything that could
vary between two builds of the same data is fixed: entry order, entry timestamps (the release date), permissions,
compression (deflate, level 9) and JSON key order. So a release can be rebuilt and checked, byte for byte, and
its version names its content.
"""

import hashlib
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata

from django.contrib.auth.models import AnonymousUser

from articles import selectors as article_selectors
from articles.exports import csljson_chunks, csv_chunks
from articles.exports.records import plain_text
from articles.models import Citation, Review

from . import selectors
from .exports import annotation_csv_chunks, annotation_json_chunks, annotations_for_export, timestamp, vocabulary_data
from .models import Facet

RELEASE_FORMAT = 1
SOFTWARE = "cafex-portal"
# The oldest time a zip entry can carry (MS-DOS dates start in 1980).
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
COMPRESS_LEVEL = 9


@dataclass(frozen=True)
class ReleaseFile:
    path: str
    media_type: str
    description: str
    content: bytes

    def entry(self) -> dict:
        return {
            "path": self.path,
            "media_type": self.media_type,
            "description": self.description,
            "bytes": len(self.content),
            "sha256": hashlib.sha256(self.content).hexdigest(),
        }


@dataclass(frozen=True)
class DataRelease:
    filename: str
    version: str
    manifest: dict
    content: bytes


def software_version() -> str:
    try:
        return metadata.version(SOFTWARE)
    except metadata.PackageNotFoundError:
        return "unknown"


def json_bytes(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def release_build(*, review: Review) -> DataRelease:
    """The review's data release. Annotations are those a visitor sees: accepted ones only."""
    citations = list(article_selectors.citation_list(review=review))
    annotations = list(annotations_for_export(review=review, user=AnonymousUser()))
    terms = list(selectors.term_list())
    files = release_files(review.article.pmid, citations, annotations, terms)
    released_at = newest_change(review, citations, annotations, terms)
    manifest = release_manifest(review, released_at, files, citations, len(annotations), len(terms))
    manifest_file = ReleaseFile("manifest.json", "application/json", "", json_bytes(manifest))
    return DataRelease(
        filename=f"review-{review.article.pmid}-data-{manifest['version']}.zip",
        version=manifest["version"],
        manifest=manifest,
        content=zip_bytes([manifest_file, *files], released_at),
    )


def release_files(pmid: int | None, citations: list, annotations: list, terms: list) -> list[ReleaseFile]:
    """The data files, in the archive's order."""
    vocabulary = {
        "facets": [{"name": value, "label": label} for value, label in Facet.choices],
        "terms": vocabulary_data(terms),
    }
    return [
        ReleaseFile(
            "records.csl.json",
            "application/vnd.citationstyles.csl+json",
            "The review's citations as CSL-JSON (CSL data schema 1.0.2).",
            "".join(csljson_chunks(citations, review_pmid=pmid)).encode("utf-8"),
        ),
        ReleaseFile(
            "records.csv",
            "text/csv",
            "The review's citations as CSV, one row per citation. A cell that would start like a spreadsheet "
            "formula (=, +, -, @) starts with an apostrophe; the JSON files hold every text as it is.",
            "".join(csv_chunks(citations, review_pmid=pmid)).encode("utf-8"),
        ),
        ReleaseFile(
            "annotations.csv",
            "text/csv",
            "Accepted mechanism annotations, one row per mechanism, facets as columns (formula-like cells start "
            "with an apostrophe, as in records.csv).",
            "".join(annotation_csv_chunks(annotations)).encode("utf-8"),
        ),
        ReleaseFile(
            "annotations.json",
            "application/json",
            "Accepted mechanism annotations with their terms' labels and identifiers.",
            "".join(annotation_json_chunks(annotations)).encode("utf-8"),
        ),
        ReleaseFile(
            "vocabulary.json",
            "application/json",
            "The controlled vocabulary: facets and every term.",
            json_bytes(vocabulary),
        ),
    ]


def newest_change(review: Review, citations: list, annotations: list, terms: list) -> datetime:
    """The latest change to anything the release holds: the review's record, a citation or its article, an
    annotation or a term."""
    moments = [review.article.updated_at]
    for citation in citations:
        moments.append(citation.updated_at)
        if citation.article is not None:
            moments.append(citation.article.updated_at)
    moments += [annotation.updated_at for annotation in annotations]
    moments += [term.updated_at for term in terms]
    return max(moment for moment in moments if moment is not None).astimezone(UTC)


def release_manifest(
    review: Review,
    released_at: datetime,
    files: list[ReleaseFile],
    citations: list[Citation],
    annotations: int,
    terms: int,
) -> dict:
    """What the archive holds and how to check it; the version is the release date and a digest of the files."""
    entries = [file.entry() for file in files]
    digest = hashlib.sha256("".join(f"{e['path']}\0{e['sha256']}\n" for e in entries).encode()).hexdigest()
    relations = Counter(citation.relation for citation in citations)
    return {
        "format": RELEASE_FORMAT,
        "version": f"{released_at:%Y.%m.%d}-{digest[:12]}",
        "released_at": timestamp(released_at),
        "review": {
            "pmid": review.article.pmid,
            "doi": review.article.doi,
            "title": plain_text(review.article.title),
        },
        "software": {"name": SOFTWARE, "version": software_version()},
        "counts": {
            "citations": len(citations),
            **{relation: relations.get(relation, 0) for relation in Citation.Relation.values},
            "unresolved": sum(1 for citation in citations if citation.article_id is None),
            "annotations": annotations,
            "terms": terms,
        },
        "files": entries,
    }


def zip_bytes(files: list[ReleaseFile], moment: datetime) -> bytes:
    """The files as a zip in the order given, every entry stamped with `moment` and compressed the same way."""
    stamp = max(moment, ZIP_EPOCH).astimezone(UTC).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in files:
            info = zipfile.ZipInfo(file.path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the building machine
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            archive.writestr(info, file.content, compresslevel=COMPRESS_LEVEL)
    return buffer.getvalue()
