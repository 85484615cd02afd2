"""Synthetic PubMed records and the fake's store: valid PubMed XML, references and retractions, loading a directory."""

from __future__ import annotations

import json

import pytest

from fake_eutils import Store, build_article
from tests.fake_eutils.helpers import PUBMED_DIR, call, doctype, pmids_of, read


def test_synthetic_record_is_valid_pubmed_xml_with_references_and_retraction(fake):
    _, _, body = call(fake.base_url + "efetch.fcgi", {"db": "pubmed", "id": "90000001,90000002"})
    new, old = read(body)["PubmedArticle"]
    references = new["PubmedData"]["ReferenceList"][0]["Reference"]
    assert [r["Citation"] for r in references][1] == "A reference PubMed does not know."
    assert [r.get("ArticleIdList", []) for r in references] == [["9997"], [], ["1234567"]]
    comments = new["MedlineCitation"]["CommentsCorrectionsList"]
    assert comments[0].attributes["RefType"] == "RetractionIn" and comments[0]["PMID"] == "90000009"
    assert "Retracted Publication" in new["MedlineCitation"]["Article"]["PublicationTypeList"]
    ids = {i.attributes["IdType"]: str(i) for i in new["PubmedData"]["ArticleIdList"]}
    assert ids == {"pubmed": "90000001", "doi": "10.1186/s12943-020-01168-8"}
    authors = new["MedlineCitation"]["Article"]["AuthorList"]
    assert authors[0]["LastName"] == "Zhang" and authors[1]["CollectiveName"] == "CAF Exosome Consortium"
    cites = old["MedlineCitation"]["CommentsCorrectionsList"]
    assert [(c.attributes["RefType"], c["PMID"]) for c in cites] == [("Cites", "9997"), ("Cites", "29963580")]


def test_build_article_medline_date_and_store_accepts_single_article():
    store = Store()
    assert store.add_article_xml(build_article(5, medline_date="1998 Dec-1999 Jan")) == [5]
    assert store.summary(5).pubdate == "1998 Dec-1999 Jan"
    assert 5 in store and len(store) == 1


def test_load_directory_reads_links_and_withdrawals(tmp_path):
    (tmp_path / "set.xml").write_text(
        '<?xml version="1.0" ?>\n<PubmedArticleSet>' + build_article(7) + build_article(8) + "</PubmedArticleSet>"
    )
    (tmp_path / "einfo.xml").write_text("<eInfoResult/>")
    links = {"links": {"7": {"pubmed_pubmed": [[8, 99], [9, None]]}}, "withdrawn": [8]}
    (tmp_path / "links.json").write_text(json.dumps(links))
    store = Store.from_directory(tmp_path)
    assert store.pmids() == [7]
    assert store.links(7) == {"pubmed_pubmed": [(8, 99.0), (9, None)]}


def test_build_article_rejects_unescaped_markup_and_omits_empty_fields():
    with pytest.raises(ValueError, match="escape & and <"):
        build_article(1, title="Fish & chips")
    xml = build_article(2, volume="", issue="", pages="", doi="10.1/x")
    assert "<Volume>" not in xml and "<Issue>" not in xml and "<Pagination>" not in xml
    record = read(f'<?xml version="1.0" ?>\n{doctype_line()}\n<PubmedArticleSet>{xml}</PubmedArticleSet>'.encode())
    assert pmids_of(record) == [2]


def doctype_line() -> str:
    return doctype((PUBMED_DIR / "metapub-38962805.xml").read_bytes()) + ">"
