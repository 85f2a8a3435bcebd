// What every field widget needs besides its own schema and value.
import { createContext, useContext } from "react";
import type { Problem } from "../../../api/client";
import type { JsonSchema } from "../../../catalog/types";
import type { Lang, Translate } from "../../../i18n";
import type { FieldPath } from "./completions";

export interface Pickers {
  groups: string[];
  connections: string[];
  flows: string[];
}

export interface FormContextValue {
  lang: Lang;
  t: Translate;
  /** The node's whole config (decision-table rows read their column names from it). */
  config: Record<string, unknown>;
  problemsAt: (path: string) => Problem[];
  fields: (bindings?: Record<string, string>) => FieldPath[];
  pickers: Pickers;
  orderModel: JsonSchema | null;
  /** A submitted version or a user who may not edit: every widget only shows. */
  readOnly: boolean;
}

export const FormContext = createContext<FormContextValue | null>(null);

export function useForm(): FormContextValue {
  const value = useContext(FormContext);
  if (!value) throw new Error("field outside a SchemaForm");
  return value;
}

export function titleOf(schema: JsonSchema, lang: Lang, fallback: string): string {
  return (lang === "zh" ? schema["x-title-zh"] || schema.title : schema.title || schema["x-title-zh"]) || fallback;
}

export function enumLabel(schema: JsonSchema, value: string, lang: Lang): string {
  const labels = schema["x-enum-labels"]?.[value];
  return labels ? labels[lang] || value : value;
}
