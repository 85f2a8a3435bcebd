// What an expression may read, as dotted paths with their types and descriptions, from the order model schema.
import type { JsonSchema } from "../../../catalog/types";

export interface FieldPath {
  path: string;
  type: string;
  description: string;
}

type Defs = Record<string, JsonSchema>;

function resolve(schema: JsonSchema, defs: Defs): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  const target = defs[ref.replace("#/$defs/", "")] ?? {};
  return { ...resolve(target, defs), description: schema.description ?? target.description };
}

function typeName(schema: JsonSchema): string {
  if (schema["x-orderloom-kind"]) return String(schema["x-orderloom-kind"]);
  return Array.isArray(schema.type) ? schema.type.join("|") : String(schema.type ?? "any");
}

/** Every readable path of the order model (depth-limited), plus the extra names a field binds. */
export function fieldPaths(model: JsonSchema | null, bindings: Record<string, string> = {}): FieldPath[] {
  const found: FieldPath[] = Object.entries(bindings).map(([name, type]) => ({ path: name, type, description: "" }));
  if (!model) return found;
  const defs = (model.$defs ?? {}) as Defs;
  const walk = (schema: JsonSchema, prefix: string, depth: number) => {
    for (const [name, child] of Object.entries(schema.properties ?? {})) {
      const field = resolve(child, defs);
      const path = prefix ? `${prefix}.${name}` : name;
      found.push({ path, type: typeName(field), description: String(field.description ?? "") });
      if (field.properties && depth < 3) walk(field, path, depth + 1);
    }
  };
  walk(model, "", 0);
  return found;
}
