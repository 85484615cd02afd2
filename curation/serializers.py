"""API shapes for curation: output serializers for reads, small input serializers for each write."""

from django.contrib.auth import get_user_model
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.models import Citation

from .models import (
    AnnotationComment,
    AnnotationRevision,
    Assignment,
    Facet,
    MechanismAnnotation,
    OutOfScopeReason,
    ScreeningDecision,
    Term,
)
from .models.annotations import EvidenceLevel

# --- Errors, for the schema (400, 401, 403 and 404 are stated on every operation by cafex_portal.schema)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = serializers.DictField(help_text="The annotation as stored now.")
    yours = serializers.DictField(help_text="What you sent, with the version you had.")


WRITE_ERRORS = {409: ConflictSerializer}


# --- Vocabulary


class TermBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Term
        fields = ["id", "label", "identifier", "status"]
        read_only_fields = fields


class TermSerializer(serializers.ModelSerializer):
    identifier_url = serializers.CharField(read_only=True)
    identifier_source = serializers.CharField(read_only=True)

    class Meta:
        model = Term
        fields = [
            "id", "facet", "label", "synonyms", "identifier", "identifier_source", "identifier_url", "description",
            "status", "merged_into", "allows_drug", "review_note", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class TermCreateInputSerializer(serializers.Serializer):
    facet = serializers.ChoiceField(choices=Facet.choices)
    label = serializers.CharField(max_length=200)
    synonyms = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    identifier = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    allows_drug = serializers.BooleanField(required=False, default=False)


class TermUpdateInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200, required=False)
    synonyms = serializers.ListField(child=serializers.CharField(), required=False)
    identifier = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    allows_drug = serializers.BooleanField(required=False)


class TermProposeInputSerializer(serializers.Serializer):
    facet = serializers.ChoiceField(choices=Facet.choices)
    label = serializers.CharField(max_length=200)
    synonyms = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    identifier = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class TermRefuseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Why: required.")


class TermMergeInputSerializer(serializers.Serializer):
    into = serializers.IntegerField(help_text="Id of the term that stays.")


# --- Annotations


class FacetTermsSerializer(serializers.Serializer):
    """Terms grouped by facet: every facet is present, empty when unset."""

    def get_fields(self):
        return {facet: TermBriefSerializer(many=True, read_only=True) for facet in Facet.values}


class FacetIdsSerializer(serializers.Serializer):
    """`{facet: [term ids]}`; facets left out keep their terms on update and are empty on create."""

    def get_fields(self):
        return {
            facet: serializers.ListField(child=serializers.IntegerField(), required=False, help_text=label)
            for facet, label in Facet.choices
        }

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(Facet.values))
            if unknown:
                raise serializers.ValidationError(
                    {key: [f"Not a facet; use one of: {', '.join(Facet.values)}."] for key in unknown}
                )
        return super().to_internal_value(data)


class AnnotationCitationSerializer(serializers.ModelSerializer):
    review = serializers.IntegerField(source="review.article.pmid", read_only=True, help_text="Review PMID")
    pmid = serializers.IntegerField(source="article.pmid", read_only=True, allow_null=True)

    class Meta:
        model = Citation
        fields = ["id", "review", "relation", "position", "pmid"]
        read_only_fields = fields


class AnnotationSerializer(serializers.ModelSerializer):
    citation = AnnotationCitationSerializer(read_only=True)
    review = serializers.IntegerField(source="citation.review.article.pmid", read_only=True, help_text="Review PMID")
    pmid = serializers.IntegerField(
        source="citation.article.pmid", read_only=True, allow_null=True, help_text="Annotated article PMID"
    )
    author = serializers.CharField(source="author.username", read_only=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, allow_null=True)
    values = serializers.SerializerMethodField()
    confidence = serializers.ChoiceField(
        choices=MechanismAnnotation.Confidence.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty if not given.",
    )
    evidence_level = serializers.ChoiceField(
        choices=EvidenceLevel.choices,
        allow_blank=True,
        read_only=True,
        help_text="The strongest experimental system named; empty when none is.",
    )
    comment_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = MechanismAnnotation
        fields = [
            "id", "citation", "review", "pmid", "state", "version", "author", "values", "quote", "figure",
            "confidence", "notes", "cell_lines", "animal_model", "species", "patient_samples", "clinical_cohort",
            "evidence_level", "review_comment", "reviewed_by", "reviewed_at", "submitted_at", "created_at",
            "updated_at", "comment_count",
        ]  # fmt: skip
        # `client_token` stays out: it is the author's idempotency key, sent on create
        # (AnnotationCreateInputSerializer) and never shown back to anyone.
        read_only_fields = fields

    @cached_property
    def _terms(self) -> serializers.ListSerializer:
        # One term serializer for every facet of every row: building one per facet and row (eleven per annotation)
        # cost a page of 50 annotations about 100 ms of field construction.
        return TermBriefSerializer(many=True)

    @extend_schema_field(FacetTermsSerializer)
    def get_values(self, annotation: MechanismAnnotation) -> dict:
        return {facet: self._terms.to_representation(terms) for facet, terms in annotation.values_by_facet().items()}

    def to_representation(self, annotation: MechanismAnnotation) -> dict:
        data = super().to_representation(annotation)
        if not self.context.get("internal_notes"):  # set by the view from access.can_read_internal_notes
            data["review_comment"] = ""
        return data


class AnnotationCreateInputSerializer(serializers.Serializer):
    citation = serializers.PrimaryKeyRelatedField(queryset=Citation.objects.all(), help_text="Citation id")
    values = FacetIdsSerializer(required=False)
    quote = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    figure = serializers.CharField(required=False, allow_blank=True, default="")
    confidence = serializers.ChoiceField(
        choices=MechanismAnnotation.Confidence.choices, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    cell_lines = serializers.CharField(required=False, allow_blank=True, default="", help_text="In vitro: cell lines.")
    animal_model = serializers.CharField(required=False, allow_blank=True, default="", help_text="In vivo: the model.")
    species = serializers.CharField(required=False, allow_blank=True, default="", help_text="In vivo: the species.")
    patient_samples = serializers.CharField(required=False, allow_blank=True, default="")
    clinical_cohort = serializers.CharField(required=False, allow_blank=True, default="")
    client_token = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="Send the same UUID again and get the same annotation."
    )


class AnnotationUpdateInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="Required: the version you are editing. A newer stored version makes this a 409."
    )
    values = FacetIdsSerializer(required=False)
    quote = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    figure = serializers.CharField(required=False, allow_blank=True)
    confidence = serializers.ChoiceField(
        choices=MechanismAnnotation.Confidence.choices, required=False, allow_blank=True
    )
    notes = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    cell_lines = serializers.CharField(required=False, allow_blank=True)
    animal_model = serializers.CharField(required=False, allow_blank=True)
    species = serializers.CharField(required=False, allow_blank=True)
    patient_samples = serializers.CharField(required=False, allow_blank=True)
    clinical_cohort = serializers.CharField(required=False, allow_blank=True)


class VersionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version you looked at; a newer one makes this a 409."
    )


class AcceptInputSerializer(VersionInputSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RejectInputSerializer(VersionInputSerializer):
    comment = serializers.CharField(allow_blank=True, help_text="Why: required.")


class RevertInputSerializer(VersionInputSerializer):
    revision = serializers.IntegerField(help_text="Id of the revision to restore.")


class BulkAcceptInputSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=500)


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = AnnotationComment
        fields = ["id", "author", "text", "created_at"]
        read_only_fields = fields


class CommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)


class RevisionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)

    class Meta:
        model = AnnotationRevision
        fields = ["id", "action", "version", "actor", "created_at", "changes", "snapshot", "reverted_to"]
        read_only_fields = fields


# --- Screening and assignments


class ScreeningSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True)

    class Meta:
        model = ScreeningDecision
        fields = ["citation", "decision", "reason", "note", "decided_by", "decided_at"]
        read_only_fields = fields


class ScreeningInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ScreeningDecision.Decision.choices)
    reason = serializers.ChoiceField(
        choices=OutOfScopeReason.choices, required=False, allow_blank=True, default="", help_text="Out of scope only."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AssignmentSerializer(serializers.ModelSerializer):
    curator = serializers.CharField(source="curator.username", read_only=True)
    assigned_by = serializers.CharField(source="assigned_by.username", read_only=True, allow_null=True)
    citation = AnnotationCitationSerializer(read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "citation", "curator", "assigned_by", "assigned_at"]
        read_only_fields = fields


class AssignmentInputSerializer(serializers.Serializer):
    """Its errors say whether a username exists: the view reads it only for editors (`require_editor` first)."""

    citations = serializers.ListField(
        child=serializers.IntegerField(), min_length=1, max_length=1000, help_text="Citation ids"
    )
    curator = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), help_text="Curator's username"
    )
