"""API shapes of the public evidence. A mechanism is the curation export's public record (no people, no notes)."""

from django.urls import reverse
from rest_framework import serializers

from articles.models import Citation
from curation.exports import annotation_data
from curation.models import Facet, MechanismAnnotation


class EvidenceSerializer(serializers.Serializer):
    """One accepted mechanism: the cited paper, the terms of every facet, the support, and links to the pages."""

    id = serializers.IntegerField()
    state = serializers.CharField()
    citation = serializers.DictField(help_text="review_pmid, relation, position, pmid, doi, pmcid, title.")
    facets = serializers.DictField(help_text="Every facet, each a list of {id, label, identifier, source, url}.")
    quote = serializers.CharField()
    figure = serializers.CharField()
    confidence = serializers.CharField()
    reviewed_at = serializers.CharField(help_text="When it was accepted (UTC).")
    paper_url = serializers.CharField(help_text="The paper's page on the portal, at this mechanism.")
    review_url = serializers.CharField(help_text="The citation's place in the review's list.")

    def to_representation(self, annotation: MechanismAnnotation) -> dict:
        citation: Citation = annotation.citation
        review_url = reverse("review-detail", args=[citation.review.article.pmid])
        paper_url = (
            f"{reverse('article-detail', args=[citation.article_id])}#mechanism-{annotation.pk}"
            if citation.article_id
            else ""
        )
        return {
            **annotation_data(annotation),
            "paper_url": paper_url,
            "review_url": f"{review_url}?tab={citation.relation}&citation={citation.pk}#citation-{citation.pk}",
        }


class FacetValueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    n = serializers.IntegerField(help_text="Accepted mechanisms holding the term, among those filtered.")


class FacetCountsSerializer(serializers.Serializer):
    facet = serializers.ChoiceField(choices=Facet.choices)
    label = serializers.CharField()
    values = FacetValueSerializer(many=True)


class EvidenceFacetsSerializer(serializers.Serializer):
    mechanisms = serializers.IntegerField()
    papers = serializers.IntegerField()
    reviews = serializers.IntegerField()
    facets = FacetCountsSerializer(many=True)


class MatrixInputSerializer(serializers.Serializer):
    rows = serializers.ChoiceField(choices=Facet.choices, default=Facet.CARGO_TYPE)
    columns = serializers.ChoiceField(choices=Facet.choices, default=Facet.EFFECT)

    def validate(self, data: dict) -> dict:
        if data["rows"] == data["columns"]:
            raise serializers.ValidationError({"columns": ["Pick a facet other than the rows'."]})
        return data


class MatrixCellSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Term id of the row facet.")
    column = serializers.IntegerField(help_text="Term id of the column facet.")
    papers = serializers.IntegerField()


class TermRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class MatrixSerializer(serializers.Serializer):
    rows_facet = serializers.CharField()
    columns_facet = serializers.CharField()
    rows = TermRefSerializer(many=True)
    columns = TermRefSerializer(many=True)
    cells = MatrixCellSerializer(many=True)


class NetworkSerializer(serializers.Serializer):
    nodes = serializers.ListField(
        child=serializers.DictField(), help_text='Cytoscape.js nodes: {"data": {id, term, label, facet}}.'
    )
    edges = serializers.ListField(
        child=serializers.DictField(),
        help_text='Cytoscape.js edges: {"data": {id, source, target, papers, promotes, suppresses, disagree, ...}}.',
    )


class YearCountSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    reference = serializers.IntegerField()
    cited_by = serializers.IntegerField()
