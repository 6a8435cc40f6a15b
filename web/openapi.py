"""The OpenAPI 3 document of /api/v1 (served at /api/v1/openapi.json; a test checks it names
every route the app has under /api/v1)."""

from __future__ import annotations

from gas.jobs import ASSEMBLIES, STATUSES

_JOB_ID = {"name": "job_id", "in": "path", "required": True,
           "schema": {"type": "string", "format": "uuid"}, "description": "A job id."}
_TIME = {"type": ["integer", "null"], "description": "Epoch seconds (UTC)."}
_URL = {"type": "string", "format": "uri", "description": "A presigned link valid for 5 minutes."}
JOB = {
    "type": "object",
    "required": ["job_id", "status", "progress", "archived"],
    "properties": {
        "job_id": {"type": "string", "format": "uuid"},
        "status": {"type": "string", "enum": list(STATUSES)},
        "progress": {"type": "integer", "description": "Variants annotated so far."},
        "submit_time": _TIME, "complete_time": _TIME, "archived_at": _TIME,
        "input_file_name": {"type": ["string", "null"], "description": "As the user named it."},
        "failure_reason": {"type": ["string", "null"]},
        "archived": {"type": "boolean"},
        "restore": {"type": ["object", "null"], "properties": {
            "tier": {"type": "string"}, "requested_at": {"type": "integer"}}},
        "summary": {"type": ["object", "null"]},
        "assembly": {"type": "string", "enum": list(ASSEMBLIES)},
        "rerun_of": {"type": ["string", "null"], "description": "The failed job this re-runs."},
        "archive_time": {**_TIME, "description": "When a Free user's result will be archived."},
        "estimated_records": {"type": ["integer", "null"],
                              "description": "Records in the input, estimated at submission."},
        "seconds_left": {"type": ["integer", "null"], "description": "RUNNING jobs: estimate."},
        "queue": {"type": ["object", "null"], "description": "PENDING jobs, with ?queue=true.",
                  "properties": {"yours_ahead": {"type": "integer"},
                                 "all_ahead": {"type": "integer"}}},
        "result_url": _URL, "result_bgzip_url": _URL, "result_index_url": _URL, "log_url": _URL,
    },
}
ERROR = {"type": "object", "required": ["error", "message"],
         "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}


def _answer(description: str, schema: dict | None = None) -> dict:
    """A response object with a JSON body."""
    body = {"$ref": "#/components/schemas/Error"} if schema is None else schema
    return {"description": description, "content": {"application/json": {"schema": body}}}


_JOB_REF = {"$ref": "#/components/schemas/Job"}
_ERRORS = {"400": _answer("Bad input (the message says what)."),
           "401": _answer("No valid token or session."),
           "404": _answer("No such job in your account.")}
_ASSEMBLY = {"type": "string", "enum": list(ASSEMBLIES), "default": "auto"}


def _json_body(required: list[str], properties: dict) -> dict:
    """A required JSON request body."""
    return {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": required, "properties": properties}}}}


PATHS = {
    "/api/v1/openapi.json": {"get": {
        "summary": "This document", "operationId": "openapi", "security": [],
        "responses": {"200": {"description": "The OpenAPI document.",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }},
    "/api/v1/jobs": {
        "get": {"summary": "Your jobs, newest first", "operationId": "listJobs",
                "parameters": [{"name": "page", "in": "query", "schema": {"type": "string"},
                                "description": "The `next` token of the previous page."}],
                "responses": {"200": _answer("A page of jobs.", {
                    "type": "object", "required": ["jobs", "next"],
                    "properties": {"jobs": {"type": "array", "items": _JOB_REF},
                                   "next": {"type": ["string", "null"]}}}),
                    **_ERRORS}},
        "post": {"summary": "Submit an uploaded file as a job", "operationId": "createJob",
                 "requestBody": _json_body(["key"], {
                     "key": {"type": "string", "description": "The `key` of an upload form."},
                     "assembly": {**_ASSEMBLY, "description": "Overrides the upload's choice."}}),
                 "responses": {"201": _answer("The job was created.", _JOB_REF),
                               "200": _answer("The job existed already (a repeat).", _JOB_REF),
                               **_ERRORS}},
    },
    "/api/v1/jobs/{job_id}": {"get": {
        "summary": "One of your jobs", "operationId": "showJob",
        "parameters": [_JOB_ID, {"name": "queue", "in": "query",
                                 "schema": {"type": "string", "enum": ["true", "false"]},
                                 "description": "Add a PENDING job's queue position."}],
        "responses": {"200": _answer("The job.", _JOB_REF), **_ERRORS},
    }},
    "/api/v1/jobs/{job_id}/rerun": {"post": {
        "summary": "Run a failed job again on the same input with other options",
        "operationId": "rerunJob", "parameters": [_JOB_ID],
        "requestBody": _json_body(["assembly"], {"assembly": _ASSEMBLY}),
        "responses": {"201": _answer("The new job.", _JOB_REF),
                      "200": _answer("The same re-run was asked for before.", _JOB_REF),
                      **_ERRORS},
    }},
    "/api/v1/uploads": {"post": {
        "summary": "A presigned S3 upload form for a new job", "operationId": "createUpload",
        "requestBody": _json_body(["file_name"], {
            "file_name": {"type": "string", "description": "Your name for the file."},
            "assembly": _ASSEMBLY}),
        "responses": {"201": _answer(
            "POST `fields` and then `file` as multipart/form-data to `url` (S3 answers 201), "
            "then POST `key` to /api/v1/jobs.", {
                "type": "object", "required": ["url", "fields", "key", "job_id"],
                "properties": {"url": {"type": "string"}, "fields": {"type": "object"},
                               "key": {"type": "string"}, "job_id": {"type": "string"},
                               "max_bytes": {"type": "integer"},
                               "expires_in": {"type": "integer"}}}),
            **{k: v for k, v in _ERRORS.items() if k != "404"}},
    }},
}


def document() -> dict:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "GAS API", "version": "1",
                 "description": "Jobs of the Genomics Annotation Service. Send a personal API "
                                "token (Profile → API tokens) as `Authorization: Bearer`."},
        "paths": PATHS,
        "components": {
            "schemas": {"Job": JOB, "Error": ERROR},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
