// Widgets for lists and maps: plain lists, multi-choice, row editors (one card per item: route factors,
// approval form fields, switch cases) and key/value maps. Decision-table rules are in DecisionRules.tsx.
import { useState } from "react";
import { enumLabel, titleOf, useForm } from "./context";
import type { InputProps } from "./inputs";
import { asList, ListButtons, listOps, RowTools } from "./rowTools";
import { FieldInput, ObjectFields, type FieldProps } from "./SchemaForm";

export function StringList({ path, schema, value, onChange }: FieldProps) {
  const { t } = useForm();
  const items = asList(value);
  const ops = listOps(items, onChange);
  return (
    <div className="string-list">
      {items.map((item, i) => (
        <div key={i} className="list-row">
          <FieldInput path={`${path}[${i}]`} schema={schema.items ?? {}} value={item} onChange={(next) => ops.set(i, next ?? "")} />
          <RowTools index={i} count={items.length} ops={ops} t={t} />
        </div>
      ))}
      <ListButtons onAdd={() => ops.add("")} label={t("form.add")} />
    </div>
  );
}

export function MultiEnum({ id, schema, value, onChange }: InputProps) {
  const { lang } = useForm();
  const chosen = asList(value);
  const options = (schema.items?.enum ?? []).map(String);
  const toggle = (option: string) => {
    const next = chosen.includes(option) ? chosen.filter((o) => o !== option) : [...chosen, option];
    onChange(next.length ? next : undefined);
  };
  return (
    <span className="multi-enum" id={id}>
      {options.map((option) => (
        <label key={option}>
          <input type="checkbox" checked={chosen.includes(option)} onChange={() => toggle(option)} />
          {enumLabel(schema.items ?? {}, option, lang)}
        </label>
      ))}
    </span>
  );
}

/** One card per item of a list of objects, each a generated sub-form. */
export function RowsEditor({ path, schema, value, onChange }: FieldProps) {
  const { t, lang } = useForm();
  const items = asList(value);
  const ops = listOps(items, onChange);
  const itemSchema = schema.items ?? {};
  return (
    <div className="rows">
      {items.map((item, i) => (
        <fieldset key={i} className="row-card" data-row={i}>
          <legend>{titleOf(itemSchema, lang, "")} {i + 1} <RowTools index={i} count={items.length} ops={ops} t={t} /></legend>
          <ObjectFields path={`${path}[${i}]`} schema={itemSchema} value={item} onChange={(next) => ops.set(i, next ?? {})} />
        </fieldset>
      ))}
      <ListButtons onAdd={() => ops.add({})} label={titleOf(itemSchema, lang, t("form.add"))} />
    </div>
  );
}

/** A key/value map whose values share one schema (call_service's request body). */
export function MapEditor({ path, schema, value, onChange }: FieldProps) {
  const { t } = useForm();
  const entries = Object.entries((value ?? {}) as Record<string, unknown>);
  const [newKey, setNewKey] = useState("");
  const valueSchema = typeof schema.additionalProperties === "object" ? schema.additionalProperties : {};
  const emit = (next: [string, unknown][]) => onChange(next.length ? Object.fromEntries(next) : undefined);
  return (
    <div className="map-editor">
      {entries.map(([key, item], i) => (
        <div key={key} className="list-row">
          <code>{key}</code>
          <FieldInput path={`${path}.${key}`} schema={valueSchema} value={item}
            onChange={(next) => emit(entries.map((e, j) => (j === i ? [key, next ?? ""] : e)))} />
          <button type="button" title={t("form.remove")} onClick={() => emit(entries.filter((_, j) => j !== i))}>✕</button>
        </div>
      ))}
      <div className="list-row">
        <input aria-label={t("form.newKey")} placeholder={t("form.newKey")} value={newKey} onChange={(e) => setNewKey(e.target.value)} />
        <ListButtons label={t("form.add")} onAdd={() => {
          if (newKey && !entries.some(([k]) => k === newKey)) emit([...entries, [newKey, ""]]);
          setNewKey("");
        }} />
      </div>
    </div>
  );
}
