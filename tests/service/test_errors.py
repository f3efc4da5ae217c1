"""Error bodies: urlscan's envelope, Joi-style validation messages, ``": "`` separators."""

from __future__ import annotations

import pytest

from spyglass.service.error_bodies import (
    APIError,
    UrlscanJSONResponse,
    describe_problem,
    error_body,
    validation_body,
)


def test_error_body_shape() -> None:
    assert error_body(404, "No such scan submission", "Nothing here") == {
        "message": "No such scan submission",
        "description": "Nothing here",
        "status": 404,
        "errors": [{"title": "No such scan submission", "detail": "Nothing here", "status": 404}],
    }
    assert error_body(401, "No key")["description"] == "No key"


def test_api_error_carries_status_and_headers() -> None:
    error = APIError(429, "Rate limit exceeded", headers={"X-Rate-Limit-Limit": "1"})
    assert error.body()["status"] == 429
    assert error.headers == {"X-Rate-Limit-Limit": "1"}


def test_validation_body() -> None:
    body = validation_body(['"url" is required', '"tags" must be an array'])
    assert body["code"] == "validationerror" and body["type"] == "body"
    assert body["message"] == 'ValidationError: "url" is required. "tags" must be an array'
    assert body["status"] == 400
    assert [e["title"] for e in body["errors"]] == ["Field Validation Error"] * 2


def test_rendered_with_spaced_separators() -> None:
    rendered = UrlscanJSONResponse({"message": "x", "status": 404}).body
    assert rendered == b'{"message": "x", "status": 404}'
    assert UrlscanJSONResponse({"t": "é"}).body == '{"t": "é"}'.encode()


@pytest.mark.parametrize(
    ("error", "text"),
    [
        ({"type": "missing", "loc": ("body", "url")}, '"url" is required'),
        ({"type": "string_type", "loc": ("body", "url")}, '"url" must be a string'),
        ({"type": "literal_error", "loc": ("body", "visibility"),
          "ctx": {"expected": "'public', 'unlisted' or 'private'"}},
         '"visibility" must be one of [public, unlisted or private]'),
        ({"type": "too_long", "loc": ("body", "tags"), "ctx": {"max_length": 10}},
         '"tags" must contain less than or equal to 10 items'),
        ({"type": "string_too_long", "loc": ("body", "tags", 2), "ctx": {"max_length": 29}},
         '"tags[2]" length must be less than or equal to 29 characters long'),
        ({"type": "value_error", "loc": ("body", "country"), "ctx": {"error": "bad"}},
         '"country" bad'),
        ({"type": "greater_than_equal", "loc": ("query", "size"), "msg": "too small"},
         '"size" too small'),
        ({"type": "json_invalid", "loc": ("body", 0)}, "the body is not valid JSON"),
        ({"type": "model_attributes_type", "loc": ("body",)}, '"value" must be of type object'),
    ],
)  # fmt: skip
def test_describe_problem(error: dict, text: str) -> None:
    assert describe_problem(error) == text
