"""Independent readers of the citation exports, each giving {position: fields}: rispy for RIS, bibtexparser (with
pylatexenc for names) for BibTeX, the vendored CSL-JSON schema and json for CSL-JSON, csv.DictReader for CSV."""

import csv
import io
import json
import re
from pathlib import Path

import bibtexparser
import jsonschema
import rispy
from bibtexparser import middlewares
from pylatexenc.latex2text import LatexNodes2Text

CSL_SCHEMA = json.loads((Path(__file__).parents[2] / "articles/exports/schema/csl-data.json").read_text())


def one_line(text: str) -> str:
    return " ".join(text.split())


def read_ris(text: str) -> dict[int, dict]:
    records = {}
    for entry in rispy.loads(text):
        pages = entry.get("start_page", "") + (f"-{entry['end_page']}" if entry.get("end_page") else "")
        records[int(entry["custom1"])] = {
            "type": entry["type_of_reference"],
            "authors": entry.get("authors", []),
            "title": entry["title"],
            "doi": entry.get("doi", ""),
            "pmid": entry.get("accession_number", ""),
            "pmcid": entry.get("custom2", ""),
            "journal": entry.get("secondary_title", ""),
            "volume": entry.get("volume", ""),
            "issue": entry.get("number", ""),
            "pages": pages,
            "year": entry.get("year", ""),
            "abstract": entry.get("abstract", ""),
            "keywords": entry.get("keywords", []),
            "note": entry["notes"][0],
        }
    return records


def read_bibtex(text: str) -> dict[int, dict]:
    library = bibtexparser.parse_string(
        text, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.LatexDecodingMiddleware()]
    )
    assert not library.failed_blocks
    decode = LatexNodes2Text().latex_to_text
    records = {}
    for entry in library.entries:
        fields = {key: field.value for key, field in entry.fields_dict.items()}
        note = fields["note"]
        position = int(re.match(r"Reference (\d+) of review PMID \d+", note).group(1))
        records[position] = {
            "type": entry.entry_type,
            "key": entry.key,
            "authors": [decode(name) for name in fields.get("author", [])],
            "title": fields["title"],
            "doi": fields.get("doi", ""),
            "pmid": fields.get("pmid", ""),
            "pmcid": fields.get("pmcid", ""),
            "journal": fields.get("journal", ""),
            "volume": fields.get("volume", ""),
            "issue": fields.get("number", ""),
            "pages": fields.get("pages", "").replace("\u2013", "-"),  # LaTeX's "--" is an en dash
            "year": fields.get("year", ""),
            "abstract": fields.get("abstract", ""),
            "keywords": fields["keywords"].split(", ") if "keywords" in fields else [],
        }
    return records


def read_csljson(text: str) -> dict[int, dict]:
    items = json.loads(text)
    jsonschema.validate(items, CSL_SCHEMA)

    def name(author: dict) -> str:
        if "literal" in author:
            return author["literal"]
        return f"{author['family']}, {author['given']}" if "given" in author else author["family"]

    return {
        item["citation-number"]: {
            "type": item["type"],
            "authors": [name(author) for author in item.get("author", [])],
            "title": item["title"],
            "doi": item.get("DOI", ""),
            "pmid": item.get("PMID", ""),
            "pmcid": item.get("PMCID", ""),
            "journal": item.get("container-title", ""),
            "volume": item.get("volume", ""),
            "issue": item.get("issue", ""),
            "pages": item.get("page", ""),
            "year": str(item["issued"]["date-parts"][0][0]) if "issued" in item else "",
            "abstract": item.get("abstract", ""),
            "keywords": item["custom"].get("keywords", []),
            "keyword": item.get("keyword", ""),
        }
        for item in items
    }


def read_csv(text: str) -> dict[int, dict]:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    split = lambda value: value.split("; ") if value else []  # noqa: E731
    return {
        int(row["position"]): {
            **{key: row[key] for key in ("title", "doi", "pmid", "pmcid", "journal", "volume", "issue", "pages")},
            **{key: row[key] for key in ("year", "abstract", "relation", "notes")},
            "authors": split(row["authors"]),
            "keywords": split(row["keywords"]),
        }
        for row in rows
    }


READERS = {"ris": read_ris, "bibtex": read_bibtex, "csljson": read_csljson, "csv": read_csv}
