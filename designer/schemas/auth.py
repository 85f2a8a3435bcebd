"""Sign-in, users, groups and API tokens at the edge."""

from marshmallow import Schema, fields, validate

from designer.auth.policy import ROLES
from designer.schemas.fields import LocalDateTime
from runtime.store.users import GROUP_PATTERN, MIN_PASSWORD, USERNAME_PATTERN

USERNAME = validate.Regexp(USERNAME_PATTERN, error="letters, digits, `.`, `_`, `@`, `-` (1-64)")
GROUP_NAME = validate.Regexp(GROUP_PATTERN, error="lower-case letters, digits, `_`, `-`, starting with a letter")
PASSWORD = validate.Length(min=MIN_PASSWORD, max=200)
DISPLAY_NAME = validate.Length(max=100)


def _role(**kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(ROLES), metadata={"enum": list(ROLES)}, **kwargs)


def _groups() -> fields.List:
    return fields.List(fields.String(validate=GROUP_NAME), validate=validate.Length(max=50),
                       metadata={"description": "Business groups (they must exist)"})


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)


class SessionUserSchema(Schema):
    username = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": list(ROLES)})
    groups = fields.List(fields.String(), required=True)
    display_name = fields.String(required=True)


class SessionSchema(Schema):
    """Who is signed in; `csrf_token` goes into the `X-CSRF-Token` header of every unsafe request made
    with the session cookie (null when the request used an API token)."""

    user = fields.Nested(SessionUserSchema, required=True)
    csrf_token = fields.String(required=True, allow_none=True)


class LogoutSchema(Schema):
    signed_out = fields.Boolean(required=True)


class UserSchema(SessionUserSchema):
    active = fields.Boolean(required=True)
    has_password = fields.Boolean(required=True, metadata={"description": "False for a token-only user"})
    created_at = LocalDateTime(required=True)
    updated_at = LocalDateTime(required=True)


class UserListSchema(Schema):
    users = fields.List(fields.Nested(UserSchema), required=True)


class UserCreateSchema(Schema):
    """A new user; without `password` the user can only use API tokens."""

    username = fields.String(required=True, validate=USERNAME)
    role = _role(required=True)
    password = fields.String(validate=PASSWORD, load_only=True)
    groups = _groups()
    display_name = fields.String(validate=DISPLAY_NAME)


class UserPatchSchema(Schema):
    """Change a user: any of role, display name, password, active, groups (replaces the list)."""

    role = _role()
    password = fields.String(validate=PASSWORD, load_only=True)
    groups = _groups()
    display_name = fields.String(validate=DISPLAY_NAME)
    active = fields.Boolean()


class GroupSchema(Schema):
    name = fields.String(required=True)
    description = fields.String(required=True)
    members = fields.List(fields.String(), required=True)


class GroupListSchema(Schema):
    groups = fields.List(fields.Nested(GroupSchema), required=True)


class GroupCreateSchema(Schema):
    name = fields.String(required=True, validate=GROUP_NAME)
    description = fields.String(load_default="", validate=validate.Length(max=500))


class TokenSchema(Schema):
    """An API token as listed: never its secret, only the first characters to recognise it."""

    id = fields.Integer(required=True)
    username = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": list(ROLES)})
    prefix = fields.String(required=True)
    created_at = LocalDateTime(required=True)
    created_by = fields.String(required=True, allow_none=True)
    revoked_at = LocalDateTime(required=True, allow_none=True)


class TokenCreatedSchema(TokenSchema):
    token = fields.String(required=True, metadata={"description": "The secret: shown this once, stored hashed"})


class TokenListSchema(Schema):
    tokens = fields.List(fields.Nested(TokenSchema), required=True)


class TokenCreateSchema(Schema):
    """A token for `username`, with its role (default the user's; another role only for an admin user)."""

    username = fields.String(required=True, validate=USERNAME)
    role = _role()
    name = fields.String(load_default="", validate=validate.Length(max=100))


class TokenQuerySchema(Schema):
    username = fields.String(validate=validate.Length(min=1, max=64))
