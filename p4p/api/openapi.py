"""The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json. Its schemas are JSON
Schema 2020-12 and forbid properties they do not name, so the tests that validate real
responses against them (tests/test_api.py) notice any answer the document does not describe."""

from __future__ import annotations

from typing import Any

from p4p.api.errors import CODES

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_PERCENT = {"type": ["integer", "null"], "minimum": 0, "maximum": 100}


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(name: str) -> dict[str, Any]:
    return {"oneOf": [_ref(name), {"type": "null"}]}


SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "error": _object(
                {
                    "status": {"type": "integer", "minimum": 400, "maximum": 599},
                    "code": {"type": "string", "enum": sorted(set(CODES.values()) | {"error"})},
                    "message": {"type": "string"},
                }
            )
        }
    ),
    "Pagination": _object(
        {
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 0},
        }
    ),
    "Checklist": _object(
        {
            "key": {"type": "string", "description": "The edition, e.g. homecare."},
            "title": {"type": "string"},
            "version": {"type": "string", "description": "Semantic version of the checklist."},
        }
    ),
    "Stage": _object({"key": {"type": "string"}, "label": {"type": "string"}}),
    "LatestAssessment": _object(
        {
            "id": {"type": "integer"},
            "completed": {"type": "string", "format": "date-time"},
            "checklist": _ref("Checklist"),
            "stage": _nullable("Stage"),
            "overall_percent": NULLABLE_PERCENT,
            "previous_overall_percent": {
                **NULLABLE_PERCENT,
                "description": "Of the completed assessment before it, same edition.",
            },
            "section_percents": {
                "type": "object",
                "additionalProperties": NULLABLE_PERCENT,
                "description": "Score per section, by section key.",
            },
        }
    ),
    "ProviderRow": _object(
        {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "scope": {"type": "string", "enum": ["summary", "full"]},
            "latest_assessment": _nullable("LatestAssessment"),
            "actions": _object(
                {
                    "open": {"type": "integer", "minimum": 0},
                    "overdue": {"type": "integer", "minimum": 0},
                }
            ),
        }
    ),
    "ProviderPage": _object(
        {"items": {"type": "array", "items": _ref("ProviderRow")}, "pagination": _ref("Pagination")}
    ),
    "Provider": _object(
        {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "access": {
                "type": "string",
                "enum": ["own", "summary", "full"],
                "description": "own: the token's own organisation; otherwise the share's scope.",
            },
        }
    ),
    "AssessmentSummary": _object(
        {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "completed": {"type": "string", "format": "date-time"},
            "checklist": _ref("Checklist"),
            "stage": _nullable("Stage"),
            "overall_percent": NULLABLE_PERCENT,
        }
    ),
    "AssessmentList": _object(
        {
            "provider": _ref("Provider"),
            "items": {"type": "array", "items": _ref("AssessmentSummary")},
            "pagination": _ref("Pagination"),
        }
    ),
    "SectionScore": _object(
        {
            "key": {"type": "string"},
            "title": {"type": "string"},
            "points": {"type": "integer"},
            "possible": {"type": "integer"},
            "percent": NULLABLE_PERCENT,
            "rated": {"type": "integer"},
            "statements": {"type": "integer"},
        }
    ),
    "Rating": _object(
        {
            "section": {"type": "string"},
            "text": {"type": "string"},
            "stage": NULLABLE_STRING,
            "scale": {**NULLABLE_STRING, "description": "Scale key; null when not rated."},
            "label": {"type": "string"},
            "points": {"type": ["integer", "null"]},
            "note": {
                "type": "string",
                "description": "Evidence note: only for the provider itself or a full share.",
            },
        },
        optional=("note",),
    ),
    "Action": _object(
        {
            "id": {"type": "integer"},
            "statement": {"type": "string"},
            "section": {"type": "string"},
            "what": {"type": "string"},
            "status": {"type": "string", "enum": ["planned", "in-progress", "done", "dropped"]},
            "status_label": {"type": "string"},
            "due_on": {"type": "string", "format": "date"},
            "overdue": {"type": "boolean"},
            "completed_on": {"type": ["string", "null"], "format": "date"},
            "from_this_assessment": {"type": "boolean"},
            "lead": {"type": "string", "description": "Only for the provider or a full share."},
            "involvement": {"type": "string", "description": "Only as lead."},
            "drop_reason": {"type": "string", "description": "Only as lead."},
        },
        optional=("lead", "involvement", "drop_reason"),
    ),
    "Assessment": _object(
        {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "status": {"type": "string", "enum": ["completed"]},
            "completed": {"type": "string", "format": "date-time"},
            "provider": _ref("Provider"),
            "checklist": _ref("Checklist"),
            "stage": _nullable("Stage"),
            "stage_rule": {"type": "string"},
            "overall": _object(
                {
                    "points": {"type": "integer"},
                    "possible": {"type": "integer"},
                    "percent": NULLABLE_PERCENT,
                }
            ),
            "sections": {"type": "array", "items": _ref("SectionScore")},
            "ratings": {
                "type": "object",
                "additionalProperties": _ref("Rating"),
                "description": "Every statement of the checklist version, by statement key.",
            },
            "actions": {"type": "array", "items": _ref("Action")},
            "personal_information": {
                "type": "boolean",
                "description": "Whether notes and names are included (own data or full share).",
            },
        }
    ),
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("Error")}},
    }


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number."),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
        "Items per page.",
    ),
]
ERRORS = {
    "400": _error("A query parameter is not valid."),
    "401": _error("No token, or not a valid one (see WWW-Authenticate)."),
    "403": _error("The token's organisation is the wrong kind for this endpoint."),
    "429": _error("Too many requests with this token (see Retry-After)."),
}


def _id(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    }


def document() -> dict[str, Any]:
    from p4p.api.routes import SORTS

    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "p4p read-only API",
            "version": "1.0.0",
            "description": (
                "Completed self-assessments of care providers, for the provider itself and for "
                "commissioners it shares them with, within the share's scope. Authenticate "
                "with a personal access token: 'Authorization: Bearer p4p_...'."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token, made under 'API tokens'.",
                }
            },
            "schemas": SCHEMAS,
        },
        "paths": {
            "/providers": {
                "get": {
                    "operationId": "listProviders",
                    "summary": "The providers sharing with the token's commissioner",
                    "description": "Commissioners only; a provider's token gets 403.",
                    "parameters": [
                        *PAGING,
                        _query(
                            "sort",
                            {"type": "string", "enum": list(SORTS), "default": "name"},
                            "Column to sort by.",
                        ),
                        _query(
                            "order",
                            {"type": "string", "enum": ["asc", "desc"], "default": "asc"},
                            "Sort order.",
                        ),
                        _query("edition", {"type": "string"}, "Checklist key of the latest."),
                        _query("stage", {"type": "string"}, "Stage key of the latest."),
                        _query("overdue", {"type": "boolean"}, "Only with overdue actions."),
                        _query(
                            "stale",
                            {"type": "boolean"},
                            "Only those with no assessment completed in 12 months.",
                        ),
                        _query("q", {"type": "string", "maxLength": 100}, "Name contains."),
                    ],
                    "responses": {"200": _ok("A page of providers.", "ProviderPage"), **ERRORS},
                }
            },
            "/providers/{provider_id}/assessments": {
                "get": {
                    "operationId": "listAssessments",
                    "summary": "A provider's completed assessments, newest first",
                    "parameters": [_id("provider_id"), *PAGING],
                    "responses": {
                        "200": _ok("A page of completed assessments.", "AssessmentList"),
                        **ERRORS,
                        "404": _error("No such provider within the token's reach."),
                    },
                }
            },
            "/assessments/{assessment_id}": {
                "get": {
                    "operationId": "getAssessment",
                    "summary": "One completed assessment: ratings, scores, stage, actions",
                    "parameters": [_id("assessment_id")],
                    "responses": {
                        "200": _ok("The assessment.", "Assessment"),
                        **ERRORS,
                        "404": _error("No such completed assessment within the token's reach."),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
    }
