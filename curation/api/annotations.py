"""Mechanism annotations: reads, edits and the workflow (submit, accept, reject, revert), comments, history."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cafex_portal import built_json
from cafex_portal.exceptions import ApplicationError, NotAllowedError
from cafex_portal.pagination import wants_cursor
from cafex_portal.renderers import RawJSON

from .. import access, selectors, services
from ..annotation_json import AnnotationPages, annotations_as_api_json, page_cache
from ..filters import AnnotationFilter
from ..models import MechanismAnnotation
from ..models.annotations import SYSTEM_FIELDS
from ..serializers import (
    WRITE_ERRORS,
    AcceptInputSerializer,
    AnnotationCreateInputSerializer,
    AnnotationSerializer,
    AnnotationUpdateInputSerializer,
    BulkAcceptInputSerializer,
    CommentInputSerializer,
    CommentSerializer,
    RejectInputSerializer,
    RevertInputSerializer,
    RevisionSerializer,
    VersionInputSerializer,
)
from ._common import not_found, validated


class AnnotationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Mechanism annotations. Visitors see accepted ones; curators also their own; editors all.

    Filter by review or article PMID, state, author, and any facet by term id or label (`?cargo=miR-21`).
    """

    serializer_class = AnnotationSerializer
    filterset_class = AnnotationFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MechanismAnnotation.objects.none()
        return selectors.annotation_list(user=self.request.user)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "internal_notes": access.can_read_internal_notes(self.request.user)}

    def list(self, request: Request, *args, **kwargs) -> Response:
        """The page's annotations come as JSON from PostgreSQL (curation.annotation_json), the objects the serializer
        makes at a fraction of the cost, or for visitors from the cache; SQLite uses the serializer."""
        if not built_json.available():
            return super().list(request, *args, **kwargs)
        internal_notes = self.get_serializer_context()["internal_notes"]
        if wants_cursor(request):  # the cursor pager filters and orders a queryset itself
            page = self.paginate_queryset(self._rows().values("id"))
            ids = [row["id"] for row in page]
            return self.get_paginated_response(annotations_as_api_json(ids, internal_notes=internal_notes)[0])
        pages = AnnotationPages(
            self._rows,
            internal_notes=internal_notes,
            cache=page_cache(user=request.user, params=request.query_params, filters=AnnotationFilter.base_filters),
        )
        return self.get_paginated_response(self.paginator.paginate_built(pages, request))

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        shown = self._built(self._rows().filter(pk=kwargs["pk"])) if self._built_here() else None
        return Response(shown) if shown is not None else super().retrieve(request, *args, **kwargs)  # or its 404

    def _show(self, annotation: MechanismAnnotation, status_code: int = status.HTTP_200_OK) -> Response:
        """The annotation as the writer now sees it; as written if it is now hidden from them."""
        if self._built_here():
            shown = self._built(selectors.annotation_rows(user=self.request.user).filter(pk=annotation.pk))
        else:
            shown = None
            annotation = selectors.annotation_get(user=self.request.user, pk=annotation.pk) or annotation
        if shown is None:
            shown = AnnotationSerializer(annotation, context=self.get_serializer_context()).data
        return Response(shown, status=status_code)

    def _rows(self):
        """The annotations the caller may see, filtered as asked: the rows alone, for answers built by PostgreSQL."""
        return self.filter_queryset(selectors.annotation_rows(user=self.request.user))

    def _built_here(self) -> bool:
        """Whether one annotation is built by PostgreSQL: not on SQLite, nor for the browsable API, whose forms start
        from the serializer's object."""
        return built_json.available() and self.request.accepted_renderer.format != "api"

    def _built(self, annotations) -> RawJSON | None:
        """The one annotation `annotations` holds, built by PostgreSQL; None if it holds none."""
        text = annotations_as_api_json(annotations, internal_notes=self.get_serializer_context()["internal_notes"])[0]
        return RawJSON(text[1:-1]) if text != "[]" else None  # the list's only object

    @extend_schema(request=AnnotationCreateInputSerializer, responses={201: AnnotationSerializer, **WRITE_ERRORS})
    def create(self, request: Request) -> Response:
        data = validated(AnnotationCreateInputSerializer, request.data)
        annotation = services.annotation_create(
            citation=data["citation"],
            user=request.user,
            values=data.get("values") or {},
            quote=data["quote"],
            figure=data["figure"],
            confidence=data["confidence"],
            notes=data["notes"],
            client_token=data["client_token"],
            **{name: data[name] for name in SYSTEM_FIELDS},
        )
        return self._show(annotation, status.HTTP_201_CREATED)

    @extend_schema(
        request=AnnotationUpdateInputSerializer,
        responses={200: AnnotationSerializer, **WRITE_ERRORS},
        description="Change an annotation. `version` is required: the version you are editing. Fields left out stay "
        "as they are, and so do facets left out of `values`. If someone saved a newer version first, nothing is "
        "written and the 409 response carries both versions (`current` and `yours`).",
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        annotation = self.get_object()
        data = validated(AnnotationUpdateInputSerializer, request.data)
        annotation = services.annotation_update(
            annotation=annotation,
            user=request.user,
            expected_version=data["version"],
            values=data.get("values"),
            quote=data.get("quote"),
            figure=data.get("figure"),
            confidence=data.get("confidence"),
            notes=data.get("notes"),
            **{name: data.get(name) for name in SYSTEM_FIELDS},
        )
        return self._show(annotation)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: int) -> Response:
        services.annotation_delete(annotation=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=VersionInputSerializer, responses={200: AnnotationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: int) -> Response:
        """Hand a draft or a fixed rejected annotation to the editors (authors only)."""
        data = validated(VersionInputSerializer, request.data)
        annotation = services.annotation_submit(
            annotation=self.get_object(), user=request.user, expected_version=data.get("version")
        )
        return self._show(annotation)

    @extend_schema(request=AcceptInputSerializer, responses={200: AnnotationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: int) -> Response:
        """Accept a submitted annotation (editors; not your own)."""
        data = validated(AcceptInputSerializer, request.data)
        annotation = services.annotation_accept(
            annotation=self.get_object(),
            user=request.user,
            comment=data["comment"],
            expected_version=data.get("version"),
        )
        return self._show(annotation)

    @extend_schema(request=RejectInputSerializer, responses={200: AnnotationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: int) -> Response:
        """Send a submitted annotation back to its author with a comment saying why (editors; not your own)."""
        data = validated(RejectInputSerializer, request.data)
        annotation = services.annotation_reject(
            annotation=self.get_object(),
            user=request.user,
            comment=data["comment"],
            expected_version=data.get("version"),
        )
        return self._show(annotation)

    @extend_schema(request=RevertInputSerializer, responses={200: AnnotationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def revert(self, request: Request, pk: int) -> Response:
        """Restore the annotation as one of its revisions recorded it (editors); the revert is recorded too."""
        annotation = self.get_object()
        data = validated(RevertInputSerializer, request.data)
        revision = selectors.annotation_revision_get(annotation=annotation, pk=data["revision"])
        if revision is None:
            raise ApplicationError(
                f"Annotation {annotation.pk} has no revision {data['revision']}.",
                extra={"errors": {"revision": ["Pick one of this annotation's revisions."]}},
            )
        annotation = services.annotation_revert(
            annotation=annotation, user=request.user, revision=revision, expected_version=data.get("version")
        )
        return self._show(annotation)

    @extend_schema(request=BulkAcceptInputSerializer, responses={200: AnnotationSerializer(many=True), **WRITE_ERRORS})
    @action(detail=False, methods=["post"], url_path="bulk-accept", url_name="bulk-accept")
    def bulk_accept(self, request: Request) -> Response:
        """Accept several submitted annotations at once; if one cannot be accepted, none is."""
        ids = list(dict.fromkeys(validated(BulkAcceptInputSerializer, request.data)["ids"]))
        found = selectors.annotation_visible_to(user=request.user).in_bulk(ids)
        if missing := [i for i in ids if i not in found]:
            raise not_found("annotations", missing)
        services.annotation_bulk_accept(annotations=[found[i] for i in ids], user=request.user)
        annotations = selectors.annotation_list(user=request.user).filter(pk__in=ids)
        by_id = {annotation.pk: annotation for annotation in annotations}
        shown = AnnotationSerializer([by_id[i] for i in ids], many=True, context=self.get_serializer_context())
        return Response(shown.data)

    @extend_schema(methods=["GET"], responses={200: CommentSerializer(many=True)})
    @extend_schema(methods=["POST"], request=CommentInputSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: Request, pk: int) -> Response:
        """The discussion of an annotation, for curators who can see it."""
        annotation = self.get_object()
        if request.method == "POST":
            text = validated(CommentInputSerializer, request.data)["text"]
            comment = services.comment_add(annotation=annotation, user=request.user, text=text)
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        if not access.can_read_comments(request.user, annotation):
            raise NotAllowedError("Comments are for curators and editors.")
        return Response(CommentSerializer(selectors.annotation_comments(annotation=annotation), many=True).data)

    @extend_schema(responses={200: RevisionSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: int) -> Response:
        """Every change to the annotation, oldest first: who, when, the fields changed and a snapshot."""
        annotation = self.get_object()
        if not access.can_read_history(request.user, annotation):
            raise NotAllowedError("The history is for editors and the annotation's author.")
        return Response(RevisionSerializer(selectors.annotation_history(annotation=annotation), many=True).data)
