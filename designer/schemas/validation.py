"""Validating a flow: the request (a document or DSL text) and the answer (its problems)."""

from marshmallow import Schema, ValidationError, fields, validates_schema

from designer.problem_codes import api_problem
from designer.schemas.problems import ProblemSchema


class ValidateRequestSchema(Schema):
    """Exactly one of `document` (a flow as JSON) or `dsl` (a flow as text)."""

    document = fields.Dict(metadata={"description": "A flow document (`orderloom.flow/1`)"})
    dsl = fields.String(metadata={"description": "A flow in the text DSL"})
    known_flows = fields.List(fields.String(), metadata={
        "description": "Keys of the flows that exist; when given, `subflow` nodes are checked against it"})

    @validates_schema
    def exactly_one_source(self, data, **kwargs):
        if ("document" in data) == ("dsl" in data):
            raise ValidationError([api_problem("API_ONE_OF", fields="document, dsl")])


class ValidationResultSchema(Schema):
    """A flow's problems. A flow with problems is still a 200: the problems are the answer."""

    valid = fields.Boolean(required=True)
    problems = fields.List(fields.Nested(ProblemSchema), required=True)
    document = fields.Dict(required=True, allow_none=True,
                           metadata={"description": "The parsed document, or null when it could not be read"})
    content_hash = fields.String(required=True, allow_none=True,
                                 metadata={"description": "SHA-256 of the canonical JSON"})
    behaviour_hash = fields.String(required=True, allow_none=True,
                                   metadata={"description": "SHA-256 without `ui` and `note`"})
