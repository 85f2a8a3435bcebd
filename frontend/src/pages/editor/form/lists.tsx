// Widgets for lists and maps: plain lists, multi-choice, row editors (one card per item: route factors,
// approval form fields, switch cases), decision-table rules with their column headers, and key/value maps.
import { useState } from "react";
import type { JsonSchema } from "../../../catalog/types";
import { enumLabel, titleOf, useForm } from "./context";
import type { InputProps } from "./inputs";
import { FieldInput, ObjectFields, type FieldProps } from "./SchemaForm";

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function ListButtons({ onAdd, label }: { onAdd: () => void; label: string }) {
  return <button type="button" className="add-row" onClick={onAdd}>＋ {label}</button>;
}

/** Replace, remove and append items, reporting undefined once the list is empty. */
function listOps(items: unknown[], onChange: (value: unknown) => void) {
  const emit = (next: unknown[]) => onChange(next.length ? next : undefined);
  return {
    set: (i: number, item: unknown) => emit(items.map((old, j) => (j === i ? item : old))),
    remove: (i: number) => emit(items.filter((_, j) => j !== i)),
    add: (item: unknown) => emit([...items, item]),
    move: (i: number, by: number) => {
      const next = [...items];
      const [item] = next.splice(i, 1);
      next.splice(Math.max(0, Math.min(next.length, i + by)), 0, item);
      emit(next);
    },
  };
}

function RowTools({ index, count, ops, t }: { index: number; count: number; ops: ReturnType<typeof listOps>;
  t: ReturnType<typeof useForm>["t"] }) {
  return (
    <span className="row-tools">
      <button type="button" title={t("form.up")} disabled={index === 0} onClick={() => ops.move(index, -1)}>↑</button>
      <button type="button" title={t("form.down")} disabled={index === count - 1} onClick={() => ops.move(index, 1)}>↓</button>
      <button type="button" title={t("form.remove")} onClick={() => ops.remove(index)}>✕</button>
    </span>
  );
}

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

function columnNames(config: Record<string, unknown>, key: string): string[] {
  return asList(config[key]).map((column, i) => {
    const c = (column ?? {}) as Record<string, unknown>;
    return String(c.label || c.name || `#${i + 1}`);
  });
}

/** Decision-table rules as a table: a test cell per input column, a value cell per output column. */
export function DecisionRules({ path, schema, value, onChange }: FieldProps) {
  const { t, config } = useForm();
  const rows = asList(value) as Record<string, unknown>[];
  const ops = listOps(rows, onChange);
  const inputs = columnNames(config, "inputs");
  const outputs = columnNames(config, "outputs");
  const props = schema.items?.properties ?? {};
  const setCell = (i: number, part: "when" | "then", j: number, cell: unknown) => {
    const row = rows[i] ?? {};
    const cells = [...asList(row[part])];
    while (cells.length < (part === "when" ? inputs.length : outputs.length)) cells.push(part === "when" ? "-" : null);
    cells[j] = cell ?? (part === "when" ? "-" : null);
    ops.set(i, { ...row, [part]: cells });
  };
  const cell = (i: number, part: "when" | "then", j: number) => (
    <td key={`${part}${j}`}>
      <FieldInput path={`${path}[${i}].${part}[${j}]`} schema={(props[part] as JsonSchema | undefined)?.items ?? {}}
        value={asList(rows[i]?.[part])[j]} onChange={(next) => setCell(i, part, j, next)} />
    </td>
  );
  return (
    <div className="decision-rules">
      <table>
        <thead>
          <tr>
            <th>#</th>
            {inputs.map((name, j) => <th key={`i${j}`} className="input-col">{name}</th>)}
            {outputs.map((name, j) => <th key={`o${j}`} className="output-col">{name}</th>)}
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((_, i) => (
            <tr key={i}>
              <td>{i + 1}</td>
              {inputs.map((__, j) => cell(i, "when", j))}
              {outputs.map((__, j) => cell(i, "then", j))}
              <td><RowTools index={i} count={rows.length} ops={ops} t={t} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <ListButtons label={t("form.addRule")}
        onAdd={() => ops.add({ when: inputs.map(() => "-"), then: outputs.map(() => null) })} />
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
