"""The demo receiver's answers."""

from marshmallow import INCLUDE, Schema, fields


class DemoReceiptSchema(Schema):
    """What the demo receiver answers: `received`, and for a CE certificate check `valid` per order."""

    class Meta:
        unknown = INCLUDE

    received = fields.Boolean(required=True)
    connection = fields.String(required=True)
    idempotency_key = fields.String(required=True, allow_none=True)
    signed = fields.Boolean(required=True, metadata={"description": "An X-Orderloom-Signature header came along"})
    valid = fields.Boolean(metadata={"description": "CE check: every certificate is valid"})
    certificates = fields.List(fields.Dict(), metadata={"description": "CE check: per SKU"})
