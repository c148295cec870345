"""The input limits (strom.core.middleware.InputLimitsMiddleware) in the OpenAPI document: they answer
before any operation runs, so each operation is told of them here rather than one by one."""

_DETAIL = {
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        }
    }
}
BODY_TOO_LARGE = {
    "description": "The request body is larger than 2.5 MB (DATA_UPLOAD_MAX_MEMORY_SIZE).",
    "content": _DETAIL,
}
REFUSED_INPUT = {
    "description": (
        "A text in the address, the query or the body holds a control character other than tab, line feed "
        "and carriage return (U+0000-U+001F, U+007F-U+009F); detail names the parameter or field."
    ),
    "content": _DETAIL,
}


def with_input_limits_documented(schema: dict) -> dict:
    responses = schema.setdefault("components", {}).setdefault("responses", {})
    responses["BodyTooLarge"] = BODY_TOO_LARGE
    responses["RefusedInput"] = REFUSED_INPUT
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            answers = operation.setdefault("responses", {})
            if "requestBody" in operation:
                answers[413] = {"$ref": "#/components/responses/BodyTooLarge"}
            if 400 not in answers:  # any address can carry a query string
                answers[400] = {"$ref": "#/components/responses/RefusedInput"}
    return schema
