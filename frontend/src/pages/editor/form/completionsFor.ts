// Field paths for the expression editor, computed once per order model and binding set.
import type { JsonSchema } from "../../../catalog/types";
import { fieldPaths, type FieldPath } from "./completions";

const cache = new WeakMap<object, Map<string, FieldPath[]>>();
const NO_MODEL = {};

export function completionsFor(model: JsonSchema | null, bindings: Record<string, string> = {}): FieldPath[] {
  const perModel = cache.get(model ?? NO_MODEL) ?? new Map<string, FieldPath[]>();
  cache.set(model ?? NO_MODEL, perModel);
  const key = JSON.stringify(bindings);
  if (!perModel.has(key)) perModel.set(key, fieldPaths(model, bindings));
  return perModel.get(key)!;
}
