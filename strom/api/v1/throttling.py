"""The API's side of the rate limits (strom/core/ratelimit.py): the JSON 429 answer, and its place in
the OpenAPI document, since any operation can give it."""

from strom.core.ratelimit import RateLimited, too_many_requests

TOO_MANY_REQUESTS = {
    "description": "Too many requests with this token (or, for searches, by this person). Wait and retry.",
    "headers": {
        "Retry-After": {
            "description": "Seconds until the limit's window ends.",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        }
    },
}


def answer_rate_limited(request, exc: RateLimited):
    return too_many_requests(request, exc.refusal)


def with_rate_limit_documented(schema):
    schema.setdefault("components", {}).setdefault("responses", {})["TooManyRequests"] = TOO_MANY_REQUESTS
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("responses", {})[429] = {"$ref": "#/components/responses/TooManyRequests"}
    return schema
