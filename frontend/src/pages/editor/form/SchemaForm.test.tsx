import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { NODE_TYPES, ORDER_MODEL } from "../../../catalog/fixtures";
import type { JsonSchema } from "../../../catalog/types";
import { translate } from "../../../i18n";
import { fieldPaths } from "./completions";
import { FormContext, type FormContextValue } from "./context";
import { ObjectFields } from "./SchemaForm";
import { visibleFields, widgetFor } from "./widgets";

afterEach(cleanup);

function context(config: Record<string, unknown>): FormContextValue {
  return {
    lang: "zh", t: (key, params) => translate("zh", key, params), config, orderModel: ORDER_MODEL, readOnly: false,
    problemsAt: () => [], fields: (bindings) => fieldPaths(ORDER_MODEL, bindings),
    pickers: { groups: ["finance"], connections: ["compliance"], flows: ["ce-certificate-check"] },
  };
}

/** Every schema reachable from a node type's config: properties, list items, map values. */
function allSchemas(schema: JsonSchema, path: string): [string, JsonSchema][] {
  const found: [string, JsonSchema][] = [[path, schema]];
  for (const [name, child] of Object.entries(schema.properties ?? {})) found.push(...allSchemas(child, `${path}.${name}`));
  if (schema.items) found.push(...allSchemas(schema.items, `${path}[]`));
  if (typeof schema.additionalProperties === "object") found.push(...allSchemas(schema.additionalProperties, `${path}.*`));
  return found;
}

describe("the property form of every node type comes from its schema", () => {
  it("has a widget for every field of every node type", () => {
    const unsupported = NODE_TYPES.flatMap((nt) => allSchemas(nt.config_schema, nt.name))
      .filter(([, schema]) => widgetFor(schema) === "unsupported").map(([path]) => path);
    expect(unsupported).toEqual([]);
  });

  it.each(NODE_TYPES.map((nt) => [nt.name, nt] as const))("renders %s with its example config, no fallback", (_, nodeType) => {
    const config = nodeType.example_config;
    const { container } = render(
      <FormContext.Provider value={context(config)}>
        <ObjectFields path="config" schema={nodeType.config_schema} value={config} onChange={() => undefined} />
      </FormContext.Provider>,
    );
    expect(container.querySelector(".unsupported")).toBeNull();
    for (const name of visibleFields(nodeType.config_schema, config)) {
      const field = container.querySelector(`[data-field="config.${name}"]`);
      expect(field, `${nodeType.name}.${name}`).not.toBeNull();
      expect(field!.className).toContain(`widget-${widgetFor(nodeType.config_schema.properties![name])}`);
    }
    for (const name of Object.keys(config)) expect(container.querySelector(`[data-field="config.${name}"]`)).not.toBeNull();
  });

  it("gives the special widgets where the schema asks for them", () => {
    const props = (type: string) => NODE_TYPES.find((nt) => nt.name === type)!.config_schema.properties!;
    expect(widgetFor(props("approval").sla)).toBe("duration");
    expect(widgetFor(props("approval").assignee_group)).toBe("group");
    expect(widgetFor(props("approval").form)).toBe("rows");
    expect(widgetFor(props("call_service").connection)).toBe("connection");
    expect(widgetFor(props("condition").when)).toBe("expression");
    expect(widgetFor(props("decision_table").rules)).toBe("decisionRules");
    expect(widgetFor(props("route").factors.items!.properties!.weight)).toBe("slider");
    expect(widgetFor(props("subflow").flow)).toBe("flow");
  });

  it("shows the fields an option asks for and hides the others", () => {
    const schema = NODE_TYPES.find((nt) => nt.name === "order_action")!.config_schema;
    expect(visibleFields(schema, { action: "cancel" })).toEqual(["action", "reason"]);
    expect(visibleFields(schema, { action: "tag" })).toEqual(["action", "tag"]);
  });

  it("offers the order model's fields, and the bindings, to the expression editor", () => {
    const paths = fieldPaths(ORDER_MODEL, { candidate: "candidate" }).map((f) => f.path);
    expect(paths).toContain("order.total");
    expect(paths).toContain("order.address.region");
    expect(paths).toContain("customer.tier");
    expect(paths).toContain("candidate");
  });
});
