// Which widget edits a config field: decided from its JSON Schema and x- hints alone, never per node type.
import type { JsonSchema } from "../../../catalog/types";

export type Widget =
  | "expression" | "unaryTest" | "duration" | "group" | "connection" | "flow" | "slider" | "textarea" | "text"
  | "enum" | "boolean" | "number" | "scalar" | "multiEnum" | "stringList" | "rows" | "decisionRules" | "object"
  | "map" | "unsupported";

const UI_WIDGETS: Record<string, Widget> = {
  duration: "duration", group: "group", connection: "connection", flow: "flow", slider: "slider",
  textarea: "textarea", sku: "text",
};

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  return schema.type ? [schema.type] : [];
}

export function widgetFor(schema: JsonSchema): Widget {
  if (schema["x-expression"]) return "expression";
  if (schema["x-unary-test"]) return "unaryTest";
  const hint = schema["x-ui"];
  if (hint && UI_WIDGETS[hint]) return UI_WIDGETS[hint];
  if (schema.enum) return "enum";
  const types = typesOf(schema);
  if (types.length > 1) return types.every((t) => ["string", "number", "boolean", "null"].includes(t)) ? "scalar" : "unsupported";
  switch (types[0]) {
    case "string": return "text";
    case "boolean": return "boolean";
    case "number":
    case "integer": return "number";
    case "array": return arrayWidget(schema.items ?? {});
    case "object": return objectWidget(schema);
    default: return "unsupported";
  }
}

function arrayWidget(items: JsonSchema): Widget {
  if (items.enum) return "multiEnum";
  const itemWidget = widgetFor(items);
  if (itemWidget === "object") return isDecisionRow(items) ? "decisionRules" : "rows";
  if (["text", "scalar", "unaryTest", "expression"].includes(itemWidget)) return "stringList";
  return "unsupported";
}

function objectWidget(schema: JsonSchema): Widget {
  if (schema.properties) return "object";
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") return "map";
  return "unsupported";
}

/** A decision-table rule: a list of unary tests (one per input column) and a list of output values. */
function isDecisionRow(items: JsonSchema): boolean {
  return Boolean(items.properties?.when?.items?.["x-unary-test"]) && items.properties?.then?.type === "array";
}

/** Which fields of an object to show: required ones, ones with a value, and ones the chosen options ask for. */
export function visibleFields(schema: JsonSchema, value: Record<string, unknown>): string[] {
  const names = Object.keys(schema.properties ?? {});
  const conditional = new Set<string>();
  const asked = new Set<string>();
  for (const rule of schema.allOf ?? []) {
    const required = rule.then?.required ?? [];
    required.forEach((name) => conditional.add(name));
    const conditions = Object.entries(rule.if?.properties ?? {});
    if (conditions.every(([name, test]) => value[name] === test.const)) required.forEach((name) => asked.add(name));
  }
  return names.filter((name) => !conditional.has(name) || asked.has(name) || value[name] !== undefined);
}

/** Is the field required, counting the conditional rules that apply to value? */
export function isRequired(schema: JsonSchema, value: Record<string, unknown>, name: string): boolean {
  if ((schema.required ?? []).includes(name)) return true;
  return (schema.allOf ?? []).some((rule) =>
    Object.entries(rule.if?.properties ?? {}).every(([field, test]) => value[field] === test.const) &&
    (rule.then?.required ?? []).includes(name));
}
