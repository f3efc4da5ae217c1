"""urlscan's error bodies: every 4xx/5xx answer is JSON with ``message`` and ``status``.

urlscan-python reads ``data["message"]`` and each ``errors[]`` item's ``title``/``status``; a JSON
error body without ``message`` raises ``KeyError`` inside the client. MISP decides whether a scan
is pending by looking for the text ``"status": 404`` in the raw body, so bodies are serialised
with ``json.dumps``' default separators (``": "``), never compactly.

    APIError                      raised by endpoints; the handler renders it
    RequestValidationError   ->   400 ``{"code": "validationerror", "type": "body", ...}``
    HTTPException (404/405)  ->   the same envelope, message = Starlette's detail
    any other exception      ->   500 ``Internal server error``

The OpenAPI document says so: routes declare ``error_responses(400, 401, ...)`` with
``ErrorBody`` as the model, and FastAPI's own 422 (never sent) is taken out of it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

log = logging.getLogger(__name__)


class UrlscanJSONResponse(JSONResponse):
    """JSON with ``", "`` and ``": "`` separators, as urlscan sends it (MISP string-matches)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False).encode("utf-8")


class APIError(Exception):
    """An answer other than success: ``APIError(404, "No such scan submission")``."""

    def __init__(
        self,
        status: int,
        message: str,
        description: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.description = description or message
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.message, self.description)


def error_body(status: int, message: str, description: str | None = None) -> dict[str, Any]:
    """``error_body(404, "No such scan submission")`` -> ``{"message": ..., "description": ...,
    "status": 404, "errors": [{"title": ..., "detail": ..., "status": 404}]}``"""
    description = description or message
    return {
        "message": message,
        "description": description,
        "status": status,
        "errors": [{"title": message, "detail": description, "status": status}],
    }


class ErrorItem(BaseModel):
    title: str
    detail: str
    status: int


class ErrorBody(BaseModel):
    """``error_body``'s shape, for the OpenAPI document (validation errors add ``code``,
    ``type`` and more keys per item)."""

    message: str
    description: str
    status: int
    errors: list[ErrorItem]


# When the API answers each status: what the OpenAPI document says.
ERROR_MEANINGS = {
    400: "Invalid request: a parameter, the query, search_after, the body or the API key's form",
    401: "An API key is needed (or anonymous reading is off), or the key is unknown or disabled",
    404: "No such scan, or one the caller may not see, or not finished yet (with ?wait=)",
    429: "Rate limit reached; the X-Rate-Limit-* headers say when it resets",
    500: "The scan is done but its report is missing",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: ``error_responses(400, 401)`` -> ``{400: {"model":
    ErrorBody, "description": ...}, 401: {...}}``."""
    return {
        status: {"model": ErrorBody, "description": ERROR_MEANINGS[status]} for status in statuses
    }


def validation_body(problems: Sequence[str], where: str = "body") -> dict[str, Any]:
    """urlscan's (Joi's) validation shape, plus ``status`` and ``description``.

    >>> validation_body(['"url" is required'])["message"]
    'ValidationError: "url" is required'
    """
    message = "ValidationError: " + ". ".join(problems)
    return {
        "code": "validationerror",
        "type": where,
        "message": message,
        "description": message,
        "status": 400,
        "errors": [
            {
                "code": "validationerror",
                "title": "Field Validation Error",
                "description": problem,
                "detail": problem,
                "status": 400,
            }
            for problem in problems
        ],
    }


def describe_problem(error: Mapping[str, Any]) -> str:
    """One pydantic error in Joi's words: ``{"type": "missing", "loc": ("body", "url")}`` ->
    ``'"url" is required'``."""
    field = _field_name(error.get("loc", ()))
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return f'"{field}" is required'
    if kind == "literal_error":
        return f'"{field}" must be one of [{context.get("expected", "")}]'.replace("'", "")
    if kind == "too_long" and "max_length" in context:
        return f'"{field}" must contain less than or equal to {context["max_length"]} items'
    if kind == "string_too_long":
        limit = context.get("max_length")
        return f'"{field}" length must be less than or equal to {limit} characters long'
    if kind.startswith("string_type"):
        return f'"{field}" must be a string'
    if kind in {"bool_type", "bool_parsing"}:
        return f'"{field}" must be a boolean'
    if kind in {"list_type", "tuple_type"}:
        return f'"{field}" must be an array'
    if kind in {"model_attributes_type", "dict_type"}:
        return f'"{field or "value"}" must be of type object'
    if kind == "value_error" and "error" in context:
        return f'"{field}" {context["error"]}'
    if kind == "json_invalid":
        return "the body is not valid JSON"
    return f'"{field}" {error.get("msg", "is invalid")}'


def _field_name(loc: Sequence[Any]) -> str:
    """``("body", "tags", 3)`` -> ``"tags[3]"``; the ``body``/``query`` prefix is dropped."""
    parts = list(loc[1:] if loc and loc[0] in {"body", "query", "path", "header"} else loc)
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


async def _api_error(request: Request, exc: Exception) -> UrlscanJSONResponse:
    assert isinstance(exc, APIError)
    return UrlscanJSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def _validation_error(request: Request, exc: Exception) -> UrlscanJSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    where = "query" if errors and errors[0].get("loc", ("",))[0] == "query" else "body"
    problems = list(dict.fromkeys(describe_problem(error) for error in errors))
    return UrlscanJSONResponse(validation_body(problems, where), status_code=400)


async def _http_error(request: Request, exc: Exception) -> UrlscanJSONResponse:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "Error"
    return UrlscanJSONResponse(
        error_body(exc.status_code, message),
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def _server_error(request: Request, exc: Exception) -> UrlscanJSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return UrlscanJSONResponse(error_body(500, "Internal server error"), status_code=500)


def _openapi_without_422(app: FastAPI, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """FastAPI documents a 422 for every route with parameters; ours answer 400 instead
    (``_validation_error``), as their ``error_responses`` say."""
    if app.openapi_schema is None:
        document = build()  # cached by FastAPI as app.openapi_schema: changed in place
        for path in document.get("paths", {}).values():
            for operation in path.values():
                operation.get("responses", {}).pop("422", None)
        for unused in ("HTTPValidationError", "ValidationError"):
            document.get("components", {}).get("schemas", {}).pop(unused, None)
    assert app.openapi_schema is not None
    return app.openapi_schema


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(APIError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)
    app.openapi = partial(_openapi_without_422, app, app.openapi)  # type: ignore[method-assign]
