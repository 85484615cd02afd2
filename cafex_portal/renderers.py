"""The API's JSON renderer: DRF's, except that JSON text made elsewhere goes into the answer without being parsed
and written again."""

import json
import secrets

from rest_framework import renderers


class RawJSON(str):
    """JSON text already made (PostgreSQL builds a page of citations as JSON: articles.citation_json)."""


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSONRenderer; a RawJSON answer, or a RawJSON value at the top level of the data (a page's `results`),
    goes in as it is, unless the answer is to be indented for people to read (the browsable API asks so)."""

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        indented = self.get_indent(accepted_media_type or "", renderer_context or {})  # for people: browsable API
        if isinstance(data, RawJSON):  # a whole answer built elsewhere (one annotation)
            if not indented:
                return data.encode()
            return super().render(json.loads(data), accepted_media_type, renderer_context)
        if not isinstance(data, dict) or not any(isinstance(value, RawJSON) for value in data.values()):
            return super().render(data, accepted_media_type, renderer_context)
        if indented:
            data = {key: json.loads(value) if isinstance(value, RawJSON) else value for key, value in data.items()}
            return super().render(data, accepted_media_type, renderer_context)
        # Each raw value stands in as a random string while the rest is rendered, then takes its place.
        marker = secrets.token_hex(16)
        raw = {f"{marker}-{key}": value for key, value in data.items() if isinstance(value, RawJSON)}
        shell = {key: f"{marker}-{key}" if isinstance(value, RawJSON) else value for key, value in data.items()}
        rendered = super().render(shell, accepted_media_type, renderer_context)
        for stand_in, value in raw.items():
            rendered = rendered.replace(f'"{stand_in}"'.encode(), value.encode(), 1)
        return rendered
