// The node catalog as GET /api/node-types serves it: node types are data, the editor reads them.

/** The subset of JSON Schema (draft 2020-12) the catalog uses, with its x- UI hints. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  "x-title-zh"?: string;
  enum?: (string | number)[];
  "x-enum-labels"?: Record<string, { zh: string; en: string }>;
  "x-expression"?: string;
  "x-bindings"?: Record<string, string>;
  "x-unary-test"?: boolean;
  "x-ui"?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  required?: string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  allOf?: { if: { properties: Record<string, { const: unknown }> }; then: { required?: string[] } }[];
  [extra: string]: unknown;
}

export interface Port {
  name: string;
  label_zh: string;
  label_en: string;
  optional: boolean;
}

export interface NodeType {
  name: string;
  category: string;
  keyword: string;
  label_zh: string;
  label_en: string;
  description_zh: string;
  description_en: string;
  icon: string;
  ports: Port[];
  dynamic_ports: { list_key: string; item_key: string | null } | null;
  config_schema: JsonSchema;
  waits: boolean;
  terminal: boolean;
  example_config: Record<string, unknown>;
}

export const CATEGORIES = ["logic", "order", "people", "time_structure", "outside"] as const;
