"""The import parsers: pasted identifiers, RIS and MEDLINE (.nbib), on realistic samples and on hostile input."""

import random

import pytest

from articles.imports import MAX_BYTES, MAX_ENTRIES, ImportFormatError, format_guess, parse_import, title_key
from articles.imports.entries import doi_normalise

# --- pasted identifiers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pmid", "doi"),
    [
        ("34852849", 34852849, ""),
        ("PMID: 34852849", 34852849, ""),
        ("pmid:34852849", 34852849, ""),
        ("PMID 34852849", 34852849, ""),
        ("https://pubmed.ncbi.nlm.nih.gov/34852849/", 34852849, ""),
        ("https://www.ncbi.nlm.nih.gov/pubmed/34852849", 34852849, ""),
        ("10.1186/s12943-021-01463-y", None, "10.1186/s12943-021-01463-y"),
        ("doi:10.1186/s12943-021-01463-y", None, "10.1186/s12943-021-01463-y"),
        ("DOI: 10.1186/s12943-021-01463-y", None, "10.1186/s12943-021-01463-y"),
        ("https://doi.org/10.1186/s12943-021-01463-y", None, "10.1186/s12943-021-01463-y"),
        ("http://dx.doi.org/10.1016/j.cell.2011.02.013", None, "10.1016/j.cell.2011.02.013"),
        ("https://doi.org/10.1038%2Fnature12373", None, "10.1038/nature12373"),
        ("10.1016/j.cell.2011.02.013.", None, "10.1016/j.cell.2011.02.013"),
    ],
)
def test_each_accepted_form_of_an_identifier(text, pmid, doi):
    [entry] = parse_import("pasted", text)
    assert (entry.pmid, entry.doi, entry.problem) == (pmid, doi, "")


def test_identifiers_one_a_line_or_separated_by_commas_semicolons_and_spaces():
    text = "34852849\n21376230, 10.1000/a1 ;  doi:10.1000/B2\n\n  PMID: 123 https://doi.org/10.1000/c3  \r\n"
    entries = parse_import("pasted", text.replace("\r\n", "\n"))
    assert [(e.pmid, e.doi) for e in entries] == [
        (34852849, ""), (21376230, ""), (None, "10.1000/a1"), (None, "10.1000/B2"), (123, ""), (None, "10.1000/c3"),
    ]  # fmt: skip
    assert [e.number for e in entries] == [1, 2, 3, 4, 5, 6]


def test_numbered_lines_give_positions_and_printed_references_keep_their_text():
    text = (
        "1. PMID: 21376230\n"
        "[2] doi:10.1000/two\n"
        "3) Hanahan D, Weinberg RA. Hallmarks of cancer. Cell. 2011;144(5):646-74. doi: 10.1016/j.cell.2011.02.013.\n"
    )
    first, second, third = parse_import("pasted", text)
    assert (first.position, first.pmid) == (1, 21376230)
    assert (second.position, second.doi) == (2, "10.1000/two")
    assert (third.position, third.doi, third.pmid) == (3, "10.1016/j.cell.2011.02.013", None)  # "2011" is no PMID
    assert third.citation_text.startswith("Hanahan D, Weinberg RA. Hallmarks of cancer.")


@pytest.mark.parametrize("line", ["hello world", "Smith J. Cancer. 2011;5:12", "PMID: 0", "123456789", "pmid:abc"])
def test_a_line_without_a_usable_identifier_is_an_entry_with_its_problem(line):
    [entry] = parse_import("pasted", line)
    assert entry.problem.startswith("No PMID or DOI here")
    assert entry.pmid is None and entry.doi == ""


def test_doi_normalisation_keeps_brackets_that_belong_to_the_doi():
    sici = "10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2"
    assert doi_normalise(sici) == sici
    assert doi_normalise("(see 10.1000/xyz)") == ""  # the opening bracket is not a DOI's start
    assert doi_normalise("10.1000/xyz).") == "10.1000/xyz"
    assert doi_normalise("10.1000/" + "x" * 300) == ""


def test_title_key_ignores_case_punctuation_space_and_markup():
    assert title_key("Hallmarks of cancer: the next generation.") == title_key(
        "HALLMARKS of  <i>Cancer</i> — the next-generation"
    )
    assert title_key("Erratum.") == ""  # too short to tell papers apart


# --- RIS ------------------------------------------------------------------------------------------------------

RIS = """TY  - JOUR
AU  - Hanahan, Douglas
AU  - Weinberg, Robert A.
TI  - Hallmarks of cancer: the next generation
T2  - Cell
PY  - 2011
VL  - 144
IS  - 5
SP  - 646
EP  - 674
DO  - https://doi.org/10.1016/j.cell.2011.02.013
AN  - 21376230
ID  - 7
ER  - 

TY  - JOUR
AU  - Ping, Qian
TI  - Cancer-associated fibroblasts: overview, progress, challenges, and directions
JO  - Cancer Gene Ther
PY  - 2021
N1  - PMID: 33558704
UR  - https://doi.org/10.1038/s41417-021-00318-4
ER  - 

TY  - CHAP
A1  - Alberts, B.
T1  - Molecular Biology of the Cell, chapter on fibroblasts
PY  - 2002///
ER  - 

TY  - GEN
KW  - nothing identifies this one
ER  - 
"""


def test_ris_records_give_identifiers_titles_text_and_numbers():
    first, second, third, fourth = parse_import("ris", RIS.encode())
    assert (first.pmid, first.doi, first.position) == (21376230, "10.1016/j.cell.2011.02.013", 7)
    assert first.title == "Hallmarks of cancer: the next generation"
    assert (
        first.citation_text
        == "Hanahan, Douglas, Weinberg, Robert A. Hallmarks of cancer: the next generation. Cell. 2011."
    )
    assert (second.pmid, second.doi) == (33558704, "10.1038/s41417-021-00318-4")
    assert (third.pmid, third.doi, third.title) == (None, "", "Molecular Biology of the Cell, chapter on fibroblasts")
    assert third.citation_text == "Alberts, B. Molecular Biology of the Cell, chapter on fibroblasts. 2002."
    assert fourth.problem == "This record has no PMID, DOI or title."


def test_ris_with_windows_line_ends_a_bom_loose_tags_and_no_final_er():
    text = "\ufeffTY - JOUR\r\nTI  - A study of fibroblast exosomes in stroma\r\nDO  - 10.1000/ris.crlf\r\n"
    [entry] = parse_import("ris", text.encode("utf-8"))
    assert (entry.doi, entry.title) == ("10.1000/ris.crlf", "A study of fibroblast exosomes in stroma")
    [entry] = parse_import("ris", text.encode("utf-16"))
    assert entry.doi == "10.1000/ris.crlf"


# --- MEDLINE (.nbib) ------------------------------------------------------------------------------------------

NBIB = """PMID- 21376230
OWN - NLM
STAT- MEDLINE
DCOM- 20110318
IS  - 1097-4172 (Electronic)
VI  - 144
IP  - 5
DP  - 2011 Mar 4
TI  - Hallmarks of cancer: the next generation.
PG  - 646-74
LID - 10.1016/j.cell.2011.02.013 [doi]
AB  - The hallmarks of cancer comprise six biological capabilities acquired during the
      multistep development of human tumors.
FAU - Hanahan, Douglas
AU  - Hanahan D
FAU - Weinberg, Robert A
AU  - Weinberg RA
LA  - eng
PT  - Journal Article
TA  - Cell
JT  - Cell
AID - S0092-8674(11)00127-9 [pii]
AID - 10.1016/j.cell.2011.02.013 [doi]
SO  - Cell. 2011 Mar 4;144(5):646-74. doi: 10.1016/j.cell.2011.02.013.

PMID- 34852849
OWN - NLM
DP  - 2021 Dec 1
TI  - Cancer associated-fibroblast-derived exosomes in cancer progression: a very long
      title wrapped onto a second line.
AU  - Yang D
AU  - Liu J
TA  - Mol Cancer
AID - 10.1186/s12943-021-01463-y [doi]

"""


def test_nbib_records_give_pmid_doi_wrapped_title_and_text():
    first, second = parse_import("nbib", NBIB.encode())
    assert (first.pmid, first.doi) == (21376230, "10.1016/j.cell.2011.02.013")
    assert first.citation_text == "Hanahan D, Weinberg RA. Hallmarks of cancer: the next generation. Cell. 2011."
    assert (second.pmid, second.doi) == (34852849, "10.1186/s12943-021-01463-y")
    assert second.title.endswith("a very long title wrapped onto a second line.")
    assert first.source.startswith("PMID 21376230: Hallmarks")


def test_nbib_windows_line_ends():
    assert [e.pmid for e in parse_import("nbib", NBIB.replace("\n", "\r\n").encode())] == [21376230, 34852849]


# --- files that are not what they claim ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format", "data", "message"),
    [
        ("ris", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "This file is a PDF document, not a RIS file."),
        ("nbib", b"%PDF-1.4\nstream", "This file is a PDF document, not a PubMed MEDLINE (.nbib) file."),
        ("ris", b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive"),
        ("ris", NBIB.encode(), "no record starts with a 'TY  - ' line (it looks like a PubMed MEDLINE file"),
        ("nbib", RIS.encode(), "it has no 'PMID- ' lines (it looks like a RIS file"),
        ("nbib", b"TI  - a title\nAU  - Smith J\n", "it has no 'PMID- ' lines"),
        ("ris", b"@article{key, title={x}}", "it looks like BibTeX"),
        ("ris", b"<!DOCTYPE html><html><body>Login</body></html>", "it looks like a web page"),
        ("ris", b"", "The file is empty."),
        ("nbib", b"  \n\n\t ", "The file is empty."),
        ("ris", b"TY  - JOUR\x00\x00\x00binary", "This is binary data"),
        ("pasted", bytes(range(1, 32)) * 20, "This is binary data"),
        ("ris", "TY  - JOUR\nTI  - Caf\xe9\nER  - \n".encode("latin-1"), "not UTF-8 text"),
        ("ris", b"TY  - JOUR\n" + b"x" * MAX_BYTES, "larger than 5 MB"),
        ("spreadsheet", b"34852849", "Unknown format 'spreadsheet'"),
    ],
)
def test_input_that_is_not_what_it_claims_is_refused_with_a_clear_message(format, data, message):
    with pytest.raises(ImportFormatError) as raised:
        parse_import(format, data)
    assert message in str(raised.value)


def test_more_entries_than_the_limit_are_refused_not_parsed_to_the_end():
    with pytest.raises(ImportFormatError, match=f"More than {MAX_ENTRIES:,} citations"):
        parse_import("pasted", "\n".join(str(n) for n in range(1, 100_001)))


@pytest.mark.parametrize(
    ("name", "data", "format"),
    [
        ("refs.ris", b"anything", "ris"),
        ("pubmed.nbib", b"anything", "nbib"),
        ("pubmed-set.txt", NBIB.encode(), "nbib"),
        ("export.txt", RIS.encode(), "ris"),
        ("", "34852849\n10.1000/x", "pasted"),
    ],
)
def test_format_is_guessed_from_the_name_then_the_content(name, data, format):
    assert format_guess(name, data) == format


@pytest.mark.parametrize("format", ["pasted", "ris", "nbib"])
def test_garbage_is_refused_or_reported_never_an_unexpected_error(format):
    generator = random.Random(format)
    alphabet = "abcXYZ019 -.,;:/()[]<>\"'\n\t%@#éß漢\u200b"
    for _ in range(50):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 3000)))
        for prefix in ("", "TY  - ", "PMID- "):
            try:
                entries = parse_import(format, (prefix + text).encode())
            except ImportFormatError:
                continue
            assert 1 <= len(entries) <= MAX_ENTRIES
            assert all(entry.problem or entry.pmid or entry.doi or entry.title for entry in entries)
