"""Turn JSON Schema errors into catalogue problems with readable paths and messages."""

from __future__ import annotations

from typing import Any, Iterator

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from dsl.problems import Problem, format_path, problem
from dsl.suggest import did_you_mean, hint

TYPE_NAMES = {"string": ("文本", "text"), "number": ("数字", "a number"), "integer": ("整数", "a whole number"),
              "boolean": ("是/否", "true or false"), "object": ("对象", "an object"),
              "array": ("列表", "a list"), "null": ("空值", "null")}

PATTERN_RULES = {
    r"^[a-z][a-z0-9_]{0,62}$": ("以小写字母开头，只含小写字母、数字和下划线", "start with a lower-case letter; "
                                "use lower-case letters, digits and underscores"),
    r"^[A-Za-z_][A-Za-z0-9_]{0,62}$": ("以字母或下划线开头，只含字母、数字和下划线",
                                       "start with a letter or underscore; use letters, digits and underscores"),
    r"^[a-z0-9][a-z0-9-]{0,62}$": ("只含小写字母、数字和连字符", "use lower-case letters, digits and hyphens"),
    r"^[a-z][a-z0-9_-]{0,62}$": ("以小写字母开头，只含小写字母、数字、下划线和连字符",
                                 "start with a lower-case letter; use lower-case letters, digits, _ and -"),
}


def schema_problems(validator: Draft202012Validator, instance: Any, prefix: list[str | int]) -> list[Problem]:
    """Every schema error in ``instance`` as a problem, paths under ``prefix``, in document order."""
    found: list[Problem] = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]):
        found.extend(_to_problems(error, prefix))
    return _dedupe(found)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.code, p.path)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _to_problems(error: ValidationError, prefix: list[str | int]) -> Iterator[Problem]:
    path = prefix + list(error.absolute_path)
    where = format_path(path)
    kind, value, schema = error.validator, error.instance, error.schema
    if kind == "required":
        for field in error.validator_value:
            if isinstance(value, dict) and field not in value:
                yield problem("DOC_REQUIRED", format_path(path + [field]), field=field)
    elif kind == "additionalProperties" and isinstance(value, dict):
        known = list(schema.get("properties", {}))
        for field in value:
            if field not in known:
                yield problem("DOC_UNKNOWN_FIELD", format_path(path + [field]), field=_short(field),
                              **hint(did_you_mean(field, known)))
    elif kind == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        zh = "、".join(TYPE_NAMES.get(t, (t, t))[0] for t in expected)
        en = " or ".join(TYPE_NAMES.get(t, (t, t))[1] for t in expected)
        yield problem("DOC_TYPE", where, expected_zh=zh, expected_en=en)
    elif kind in ("enum", "const"):
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        if where == "format":
            yield problem("DOC_FORMAT", where, value=_short(value), expected=allowed[0])
        else:
            yield problem("DOC_ENUM", where, value=_short(value), allowed=", ".join(map(str, allowed)))
    elif kind == "pattern":
        yield _pattern_problem(where, value, error.validator_value, schema)
    elif kind in ("maxLength",):
        yield problem("DOC_TOO_LONG", where, length=len(value), limit=error.validator_value)
    elif kind == "minLength":
        yield problem("DOC_EMPTY", where)
    elif kind in ("minItems", "minProperties"):
        yield problem("DOC_TOO_FEW", where, limit=error.validator_value)
    elif kind in ("maxItems", "maxProperties"):
        yield problem("DOC_TOO_MANY", where, limit=error.validator_value)
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        sign = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[kind]
        yield problem("DOC_RANGE", where, detail=f"{_short(value)} ({sign} {error.validator_value})")
    elif kind == "oneOf":
        options = [r[0] for s in error.validator_value for r in [s.get("required", ["?"])]]
        yield problem("DOC_ONE_OF", where, options=" / ".join(options))
    elif kind == "propertyNames":
        yield problem("DOC_INVALID", where, rule="propertyNames")
    elif error.context:
        for sub in error.context:
            yield from _to_problems(sub, prefix)
    else:
        yield problem("DOC_INVALID", where, rule=kind)


def _pattern_problem(where: str, value: Any, pattern: str, schema: dict[str, Any]) -> Problem:
    if schema.get("x-ui") == "duration":
        return problem("DOC_DURATION", where, value=_short(value))
    zh, en = PATTERN_RULES.get(pattern, (f"须匹配 {pattern}", f"must match {pattern}"))
    return problem("DOC_PATTERN", where, value=_short(value), rule_zh=zh, rule_en=en)


def _short(value: Any, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"
