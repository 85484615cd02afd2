"""The OpenAPI schema states the one error shape (cafex_portal.exceptions) on every operation."""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in a sentence a person can act on."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages per field at fault (`non_field_errors` for the input as a whole).",
        },
    },
}
ERROR_DESCRIPTIONS = {
    "400": "The input is not valid: `errors` names each field at fault.",
    "401": "Not signed in (session or `Authorization: Token …`).",
    "403": "Signed in, but the role does not allow this.",
    "404": "Nothing with this id, or nothing this caller may see.",
    "429": "Too many requests; try again after `Retry-After` seconds.",
    "503": "The database is unavailable; try again after `Retry-After` seconds.",
}


def error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: add the error responses each operation can give."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            codes = ["400", "401", "403"] + (["404"] if "{" in path else []) + ["429", "503"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code], "content": body})
    return result
