"""decision_table: rows of cell tests over the inputs; the matching row's (or rows') outputs become vars.

Hit policy ``first``: the first matching row; ``collect``: every matching row, each output variable
becoming the list of that column's values. No row matches: outputs get their defaults and the node
leaves by ``no_match`` when that port is connected, else by ``next``. ``-`` cells match anything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from runtime.engine.compiling import NodeCompiler
from runtime.engine.errors import SpecError
from runtime.engine.state import jsonable


def _literal(value: Any, kind: str) -> Any:
    """A cell output as expressions read it: JSON numbers become Decimal."""
    if kind == "number" and type(value) in (int, float):
        return Decimal(repr(value)) if type(value) is float else Decimal(value)
    return value


def compile(config: dict[str, Any], c: NodeCompiler) -> tuple[Any, ...]:
    inputs = tuple((i["name"], c.expr(i["expr"], "any")) for i in config["inputs"])
    readers = tuple(expr.evaluate for _, expr in inputs)
    outputs = tuple((o["name"], o["type"], _literal(o.get("default"), o["type"])) for o in config["outputs"])
    rules = []
    for index, rule in enumerate(config["rules"]):
        if len(rule["when"]) != len(inputs) or len(rule["then"]) != len(outputs):
            raise SpecError(f"rules[{index}]",
                            f"row {index + 1} has {len(rule['when'])} tests and {len(rule['then'])} outputs; "
                            f"the table has {len(inputs)} inputs and {len(outputs)} outputs",
                            f"第 {index + 1} 行有 {len(rule['when'])} 个条件、{len(rule['then'])} 个结果，"
                            f"但表格有 {len(inputs)} 个输入列、{len(outputs)} 个输出列")
        checks = tuple(_check(col, c.cell(text)) for col, text in enumerate(rule["when"]) if text.strip() != "-")
        then = tuple(_literal(v, o[1]) for v, o in zip(rule["then"], outputs, strict=True))
        rules.append((checks, then, rule.get("note", "")))
    return config["hit_policy"], inputs, outputs, tuple(rules), readers


def _check(col: int, cell: Any) -> tuple[Any, ...]:
    """(column, op, literal, value type, matches): a cell comparing with a literal is tested inline with
    ``op`` for values of that type (any type when None); everything else calls ``matches``."""
    op, lit, lit_type = cell.fast or (None, None, None)
    return col, op, lit, lit_type, cell.matches


def run(ctx, node, token):
    policy, _, outputs, rules, readers = node.spec
    env, clock = ctx.env, ctx.clock
    values = [read(env, clock) for read in readers]
    fired = []
    for index, (checks, _, _) in enumerate(rules):
        for col, op, lit, lit_type, matches in checks:
            v = values[col]
            if op is not None and (lit_type is None or type(v) is lit_type):
                if not op(v, lit):
                    break
            elif not matches(v, env, clock):
                break
        else:
            fired.append(index)
            if policy == "first":
                break
    if not fired:
        result = tuple(default for _, _, default in outputs)
    elif policy == "first":
        result = rules[fired[0]][1]
    else:
        result = tuple([rules[i][1][col] for i in fired] for col in range(len(outputs)))
    for (name, _, _), value in zip(outputs, result, strict=True):
        ctx.set_var(name, value)
    port = "no_match" if not fired and "no_match" in node.exits else "next"
    return port, (values, tuple(fired), result)


def explain(spec, detail) -> dict[str, Any]:
    """The input values, the row(s) that fired (0-based, with their notes) and the outputs written."""
    policy, inputs, outputs, rules, _ = spec
    values, fired, result = detail
    return {"hit_policy": policy,
            "inputs": [{"name": n, "expression": e.text, "value": jsonable(v)} for (n, e), v in zip(inputs, values)],
            "rows": [{"index": i, "note": rules[i][2]} for i in fired], "matched": bool(fired),
            "outputs": {name: jsonable(v) for (name, _, _), v in zip(outputs, result, strict=True)}}
