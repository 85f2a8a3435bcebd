"""Problems and RFC 9457 problem details, as the API sends them."""

from marshmallow import INCLUDE, Schema, fields


class ProblemSchema(Schema):
    """One located finding: a catalogue code, where, and what to do, in zh and en."""

    path = fields.String(required=True, metadata={"description": "Document or request path, e.g. "
                                                                 "`nodes[3].config.sla` or `body.dsl`"})
    code = fields.String(required=True, metadata={"description": "Code from `GET /api/problem-codes`"})
    severity = fields.String(required=True, metadata={"enum": ["error", "warning", "info"]})
    message_zh = fields.String(required=True)
    message_en = fields.String(required=True)
    line = fields.Integer(metadata={"description": "1-based line in the source text, when known"})
    column = fields.Integer(metadata={"description": "1-based column in the source text, when known"})


class ProblemDetailsSchema(Schema):
    """RFC 9457 problem details (`application/problem+json`) with the problems that caused it."""

    class Meta:
        unknown = INCLUDE  # RFC 9457 extension members, e.g. `health` on a 503 from /api/health

    type = fields.String(required=True, metadata={"description": "Link to the code in the catalogue"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String()
    problems = fields.List(fields.Nested(ProblemSchema), required=True)


class ProblemCodeSchema(Schema):
    """A catalogue entry: message templates with `{placeholders}` filled in per problem."""

    code = fields.String(required=True)
    severity = fields.String(required=True)
    message_zh = fields.String(required=True)
    message_en = fields.String(required=True)


class ProblemCodesSchema(Schema):
    """The whole catalogue, sorted by code."""

    codes = fields.List(fields.Nested(ProblemCodeSchema), required=True)
