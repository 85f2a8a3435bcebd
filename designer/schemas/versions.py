"""Versions of a flow: reading one, saving a draft, review, publishing, the diff, templates and bundles."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from designer.schemas.fields import LocalDateTime
from designer.schemas.flows import VersionSummarySchema
from designer.schemas.problems import ProblemSchema

MAX_DSL = 1_000_000


class VersionSchema(VersionSummarySchema):
    """One version: its content (document and DSL text), its problems now, and who did what."""

    key = fields.String(required=True, metadata={"description": "The flow's key"})
    document = fields.Dict(required=True)
    dsl = fields.String(required=True, metadata={"description": "Canonical DSL; a draft saved as DSL keeps "
                                                                "the text as typed (it may not parse)"})
    valid = fields.Boolean(required=True, metadata={"description": "No problem of severity error"})
    problems = fields.List(fields.Nested(ProblemSchema), required=True)
    source = fields.String(required=True, allow_none=True,
                           metadata={"description": "A draft's last save: `document` or `dsl`; null once frozen"})
    revision = fields.Integer(required=True, allow_none=True, metadata={"description": "A draft's save count"})
    etag = fields.String(required=True, metadata={"description": "Send it back as If-Match to save the draft"})
    updated_at = LocalDateTime(required=True, allow_none=True)
    submitted_at = LocalDateTime(required=True, allow_none=True)
    reviewed_at = LocalDateTime(required=True, allow_none=True)
    review_comment = fields.String(required=True, allow_none=True)
    published_by = fields.String(required=True, allow_none=True)
    retired_at = LocalDateTime(required=True, allow_none=True)
    serving = fields.String(required=True, allow_none=True,
                            metadata={"description": "`active`, `candidate` or null: whether it serves orders now"})


class VersionListSchema(Schema):
    versions = fields.List(fields.Nested(VersionSummarySchema), required=True)


class CreatedFlowSchema(Schema):
    flow = fields.Dict(required=True, metadata={"description": "The flow as the flow list shows it"})
    version = fields.Nested(VersionSchema, required=True)


class SaveDraftSchema(Schema):
    """Exactly one of ``document`` (JSON) or ``dsl`` (text); invalid content is saved, with its problems."""

    document = fields.Dict()
    dsl = fields.String(validate=validate.Length(max=MAX_DSL))
    editing_session = fields.String(validate=validate.Length(min=1, max=100),
                                    metadata={"description": "Saves of one editing session are one audit entry"})

    @validates_schema
    def _one_source(self, data, **_kwargs):
        if ("document" in data) == ("dsl" in data):
            raise ValidationError("Send exactly one of document or dsl.", "_schema")


class NewDraftSchema(Schema):
    based_on = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class ReviewSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))

    @validates_schema
    def _reason_for_rejecting(self, data, **_kwargs):
        if data.get("decision") == "reject" and not (data.get("comment") or "").strip():
            raise ValidationError("Missing data for required field.", "comment")  # a rejection says why


class DiffQuerySchema(Schema):
    from_ = fields.Integer(required=True, data_key="from", validate=validate.Range(min=1, max=2**31 - 1))
    to = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class StructuralDiffSchema(Schema):
    nodes_added = fields.List(fields.String(), required=True)
    nodes_removed = fields.List(fields.String(), required=True)
    nodes_changed = fields.List(fields.Dict(), required=True, metadata={"description": "[{id, paths: [...]}]"})
    edges_added = fields.List(fields.Dict(), required=True)
    edges_removed = fields.List(fields.Dict(), required=True)
    trigger_changed = fields.Boolean(required=True)
    trigger_paths = fields.List(fields.String(), required=True)
    kind_changed = fields.Boolean(required=True)
    fields_changed = fields.List(fields.String(), required=True)


class DiffSchema(Schema):
    """What changed from one version to another: structure, the DSL text, and whether only layout moved."""

    key = fields.String(required=True)
    from_ = fields.Integer(required=True, data_key="from")
    to = fields.Integer(required=True)
    structural = fields.Nested(StructuralDiffSchema, required=True)
    text_diff = fields.String(required=True, metadata={"description": "Unified diff of the canonical DSL"})
    layout_only = fields.Boolean(required=True, metadata={"description": "Only `ui` / notes differ"})
    identical = fields.Boolean(required=True)


class TemplateSchema(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    kind = fields.String(required=True)
    file = fields.String(required=True)


class BundleVersionSchema(Schema):
    number = fields.Integer(required=True)
    state = fields.String(load_default="draft")
    document = fields.Dict(required=True)
    content_hash = fields.String(load_default=None, allow_none=True)
    dsl = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_DSL))
    created_by = fields.String(load_default=None, allow_none=True)
    review_comment = fields.String(load_default=None, allow_none=True)


class BundleFlowSchema(Schema):
    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,62}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(["intake", "approval", "routing", "return",
                                                                  "subflow"]))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    priority = fields.Integer(load_default=100)


class BundleSchema(Schema):
    """A flow and its versions as one JSON file (``orderloom.bundle/1``)."""

    format = fields.String(required=True, validate=validate.Equal("orderloom.bundle/1"))
    exported_at = fields.String(load_default=None, allow_none=True)
    flow = fields.Nested(BundleFlowSchema, required=True)
    versions = fields.List(fields.Nested(BundleVersionSchema), required=True,
                           validate=validate.Length(min=1, max=500))


class ImportResultSchema(Schema):
    flow = fields.String(required=True, metadata={"description": "The flow key"})
    created = fields.List(fields.Integer(), required=True, metadata={"description": "The new drafts' numbers"})
    skipped = fields.List(fields.Integer(), required=True,
                          metadata={"description": "Bundle versions whose content the flow already has"})


class ImportDslSchema(Schema):
    dsl = fields.String(required=True, validate=validate.Length(min=1, max=MAX_DSL))


class ReviewItemSchema(VersionSummarySchema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    submitted_at = LocalDateTime(required=True, allow_none=True)


class ReviewQueueSchema(Schema):
    reviews = fields.List(fields.Nested(ReviewItemSchema), required=True)
