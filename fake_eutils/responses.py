"""E-utilities response bodies in NCBI's own XML formats (DOCTYPEs copied from recorded responses)."""

from __future__ import annotations

from collections.abc import Sequence

from fake_eutils.store import ArticleSummary, Link, Store, xml_text

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" ?>\n'
PUBMED_DOCTYPE = (
    '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
ELINK_DOCTYPE = (
    '<!DOCTYPE eLinkResult PUBLIC "-//NLM//DTD elink 20101123//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20101123/elink.dtd">\n'
)
ESUMMARY_DOCTYPE = (
    '<!DOCTYPE eSummaryResult PUBLIC "-//NLM//DTD esummary v1 20041029//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20041029/esummary-v1.dtd">\n'
)
EPOST_DOCTYPE = (
    '<!DOCTYPE ePostResult PUBLIC "-//NLM//DTD epost 20090526//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20090526/epost.dtd">'
)
ESEARCH_DOCTYPE = (
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
EFETCH_ERROR_DOCTYPE = (
    '<!DOCTYPE eFetchResult PUBLIC "-//NLM//DTD efetch 20131226//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">\n'
)


def pubmed_article_set(store: Store, pmids: Sequence[int]) -> str:
    """efetch db=pubmed: known ids in request order; unknown or withdrawn ones are silently absent."""
    articles = [xml for xml in (store.article_xml(pmid) for pmid in pmids) if xml is not None]
    return PUBMED_DOCTYPE + "<PubmedArticleSet>\n" + "".join(a + "\n" for a in articles) + "</PubmedArticleSet>\n"


def efetch_error(message: str) -> str:
    return (
        XML_DECLARATION
        + EFETCH_ERROR_DOCTYPE
        + f"<eFetchResult>\n\t<ERROR>{xml_text(message)}</ERROR>\n</eFetchResult>\n"
    )


def elink_result(
    store: Store, id_groups: Sequence[Sequence[int]], *, linkname: str | None, with_scores: bool, dbfrom: str = "pubmed"
) -> str:
    """One LinkSet per ``id=`` parameter; the ids of one comma-joined parameter share a merged LinkSet."""
    parts = [XML_DECLARATION, ELINK_DOCTYPE, "<eLinkResult>\n"]
    for group in id_groups:
        parts.append(f"<LinkSet>\n\t<DbFrom>{xml_text(dbfrom)}</DbFrom>\n\t<IdList>\n")
        parts.extend(f"\t\t<Id>{pmid}</Id>\n" for pmid in group)
        parts.append("\t</IdList>\n")
        for name, links in _merged_links(store, group, linkname).items():
            if not links:
                continue
            parts.append(f"\t<LinkSetDb>\n\t\t<DbTo>pubmed</DbTo>\n\t\t<LinkName>{xml_text(name)}</LinkName>\n")
            for target, score in links:
                score_xml = f"\t\t\t<Score>{_score_text(score)}</Score>\n" if with_scores and score is not None else ""
                parts.append(f"\t\t<Link>\n\t\t\t<Id>{target}</Id>\n{score_xml}\t\t</Link>\n")
            parts.append("\t</LinkSetDb>\n")
        parts.append("</LinkSet>\n")
    parts.append("</eLinkResult>\n")
    return "".join(parts)


def _merged_links(store: Store, group: Sequence[int], linkname: str | None) -> dict[str, list[Link]]:
    merged: dict[str, dict[int, float | None]] = {}
    for pmid in group:
        for name, links in store.links(pmid, linkname).items():
            targets = merged.setdefault(name, {})
            for target, score in links:
                previous = targets.get(target)
                if target not in targets or (score is not None and (previous is None or score > previous)):
                    targets[target] = score
    return {name: list(targets.items()) for name, targets in merged.items()}


def _score_text(score: float) -> str:
    return str(int(score)) if float(score).is_integer() else repr(float(score))


def elink_error(message: str) -> str:
    return XML_DECLARATION + ELINK_DOCTYPE + f"<eLinkResult>\n\t<ERROR>{xml_text(message)}</ERROR>\n</eLinkResult>\n"


def esummary_result(store: Store, pmids: Sequence[int], *, error: str | None = None) -> str:
    """A DocSum per known id and NCBI's ``<ERROR>UID=...`` line for each unknown or withdrawn one."""
    parts = [XML_DECLARATION, ESUMMARY_DOCTYPE, "<eSummaryResult>\n"]
    if error or not pmids:
        parts.append(f"\t<ERROR>{xml_text(error or 'Neither query_key nor id specified')}</ERROR>\n")
    for pmid in pmids:
        summary = store.summary(pmid)
        if summary is None:
            parts.append(f"<ERROR>UID={pmid}: cannot get document summary</ERROR>\n")
        else:
            parts.append(_docsum(summary))
    parts.append("</eSummaryResult>\n")
    return "".join(parts)


def _docsum(s: ArticleSummary) -> str:
    def item(name: str, value: str, type_: str = "String") -> str:
        return f'\t<Item Name="{name}" Type="{type_}">{xml_text(value)}</Item>\n'

    def item_list(name: str, child: str, values: Sequence[str]) -> str:
        inner = "".join(f'\t\t<Item Name="{child}" Type="String">{xml_text(v)}</Item>\n' for v in values)
        return (
            f'\t<Item Name="{name}" Type="List">\n{inner}\t</Item>\n'
            if values
            else f'\t<Item Name="{name}" Type="List"></Item>\n'
        )

    article_ids = [f'\t\t<Item Name="pubmed" Type="String">{s.pmid}</Item>\n']
    if s.doi:
        article_ids.append(f'\t\t<Item Name="doi" Type="String">{xml_text(s.doi)}</Item>\n')
    if s.pmc:
        article_ids.append(f'\t\t<Item Name="pmc" Type="String">{xml_text(s.pmc)}</Item>\n')
    so = f"{s.pubdate};{s.volume}({s.issue}):{s.pages}" if s.volume else s.pubdate
    return "".join(
        [
            f"<DocSum>\n\t<Id>{s.pmid}</Id>\n",
            item("PubDate", s.pubdate, "Date"),
            item("EPubDate", "", "Date"),
            item("Source", s.source),
            item_list("AuthorList", "Author", s.authors),
            item("LastAuthor", s.authors[-1] if s.authors else ""),
            item("Title", s.title),
            item("Volume", s.volume),
            item("Issue", s.issue),
            item("Pages", s.pages),
            item_list("LangList", "Lang", ["English" if lang == "eng" else lang for lang in s.languages]),
            item_list("PubTypeList", "PubType", s.pub_types),
            item("RecordStatus", f"PubMed - {s.status}" if s.status else "PubMed"),
            item("PubStatus", "ppublish"),
            f'\t<Item Name="ArticleIds" Type="List">\n{"".join(article_ids)}\t</Item>\n',
            item("DOI", s.doi),
            item("HasAbstract", "1" if s.has_abstract else "0", "Integer"),
            item("FullJournalName", s.journal),
            item("ELocationID", f"doi: {s.doi}" if s.doi else ""),
            item("SO", so),
            "</DocSum>\n",
        ]
    )


def epost_result(webenv: str, query_key: str) -> str:
    return (
        XML_DECLARATION
        + EPOST_DOCTYPE
        + f"<ePostResult>\n\t<QueryKey>{query_key}</QueryKey>\n\t<WebEnv>{webenv}</WebEnv>\n</ePostResult>\n"
    )


def epost_error(message: str) -> str:
    return XML_DECLARATION + EPOST_DOCTYPE + f"<ePostResult>\n\t<ERROR>{xml_text(message)}</ERROR></ePostResult>\n"


def esearch_result(
    term: str, pmids: Sequence[int], *, retstart: int, retmax: int, history: tuple[str, str] | None = None
) -> str:
    page = pmids[retstart : retstart + retmax]
    ids = "".join(f"<Id>{pmid}</Id>\n" for pmid in page)
    history_xml = f"<QueryKey>{history[1]}</QueryKey><WebEnv>{history[0]}</WebEnv>" if history else ""
    id_list = f"<IdList>\n{ids}</IdList>" if page else "<IdList/>"
    tail = ""
    if not pmids:
        tail = (
            f"<ErrorList><PhraseNotFound>{xml_text(term)}</PhraseNotFound></ErrorList>"
            "<WarningList><OutputMessage>No items found.</OutputMessage></WarningList>"
        )
    return (
        XML_DECLARATION
        + ESEARCH_DOCTYPE
        + f"<eSearchResult><Count>{len(pmids)}</Count><RetMax>{len(page)}</RetMax><RetStart>{retstart}</RetStart>"
        + history_xml
        + id_list
        + f"<TranslationSet/><QueryTranslation>{xml_text(term)}</QueryTranslation>{tail}</eSearchResult>\n"
    )


def esearch_error(message: str) -> str:
    return XML_DECLARATION + ESEARCH_DOCTYPE + f"<eSearchResult><ERROR>{xml_text(message)}</ERROR></eSearchResult>\n"
