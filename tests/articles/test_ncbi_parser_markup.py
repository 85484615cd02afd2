"""The PubMed parser keeps only harmless inline markup: hostile tags, MathML and whitespace in titles and abstracts."""

from articles.ncbi.parser import parse_pubmed_xml
from tests.articles.ncbi_helpers import article, article_set


def test_markup_inside_abstract_is_neutralised() -> None:
    hostile = (
        "<Abstract><AbstractText>Before <script>alert(1)</script>"
        '<a href="javascript:alert(2)">link text</a> <img src="x" onerror="alert(3)"/>'
        '<i onclick="alert(4)">italic</i> <b><span style="x">bold</span></b> '
        "&lt;script&gt;alert(5)&lt;/script&gt; a &lt; b &amp; c</AbstractText></Abstract>"
    )
    data = article_set(article(title="x &lt; y &amp;amp; <sub>2</sub>", inside_article=hostile))

    (record,) = parse_pubmed_xml(data).records
    text = record.abstract[0].text

    assert text == ("Before link text <i>italic</i> <b>bold</b> &lt;script&gt;alert(5)&lt;/script&gt; a &lt; b &amp; c")
    assert record.title == "x &lt; y &amp;amp; <sub>2</sub>"


def test_mathml_becomes_text_with_scripts() -> None:
    math = (
        '<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:semantics><mml:mrow>'
        "<mml:mi>E</mml:mi><mml:mo>=</mml:mo><mml:mi>m</mml:mi>"
        "<mml:msup><mml:mi>c</mml:mi><mml:mn>2</mml:mn></mml:msup></mml:mrow>"
        '<mml:annotation encoding="TeX">E=mc^2</mml:annotation></mml:semantics></mml:math>'
    )
    comparison = (
        '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>p</mi><mo>&lt;</mo><mfrac><mn>1</mn><mn>20</mn>'
        "</mfrac></math>"
    )
    data = article_set(article(title=f"Mass {math} and {comparison}."))

    (record,) = parse_pubmed_xml(data).records

    assert record.title == "Mass E=mc<sup>2</sup> and p&lt;1/20."


def test_unquoted_attribute_is_a_parse_error_not_output() -> None:
    data = article_set(
        article("1"),
        article(
            "2", inside_article="<Abstract><AbstractText><a href=javascript:alert(1)>x</a></AbstractText></Abstract>"
        ),
    )

    result = parse_pubmed_xml(data)

    assert [record.pmid for record in result.records] == [1]
    assert result.errors[0].startswith("response truncated or malformed after 1 articles: not well-formed")


def test_whitespace_is_normalised() -> None:
    data = article_set(article(title="\n   Spread\tover\n\n lines <i> and  tags </i>  "))

    (record,) = parse_pubmed_xml(data).records

    assert record.title == "Spread over lines <i> and tags </i>"
