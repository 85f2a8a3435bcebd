// The scalar widgets. Each takes the field's value and reports a new one; clearing a field removes it
// (undefined), so an empty text never hides a "required" problem behind an invalid "".
import { useEffect, useState } from "react";
import type { JsonSchema } from "../../../catalog/types";
import { enumLabel, useForm, type Pickers } from "./context";

export interface InputProps {
  id: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
}

const textOf = (value: unknown) => (value === undefined || value === null ? "" : String(value));

export function TextInput({ id, value, onChange, schema }: InputProps) {
  return <input id={id} value={textOf(value)} maxLength={schema.maxLength}
    onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)} />;
}

export function TextArea({ id, value, onChange }: InputProps) {
  return <textarea id={id} rows={3} value={textOf(value)} onChange={(e) => onChange(e.target.value || undefined)} />;
}

export function NumberInput({ id, value, onChange, schema }: InputProps) {
  const [text, setText] = useState(textOf(value));
  useEffect(() => {
    if (Number(text) !== value) setText(textOf(value));
  }, [value]);
  return <input id={id} type="number" value={text} min={schema.minimum} max={schema.maximum}
    step={schema.type === "integer" ? 1 : "any"}
    onChange={(e) => {
      setText(e.target.value);
      const parsed = Number(e.target.value);
      onChange(e.target.value === "" || Number.isNaN(parsed) ? undefined : parsed);
    }} />;
}

export function SliderInput({ id, value, onChange, schema }: InputProps) {
  const min = schema.minimum ?? 0;
  const max = schema.maximum ?? 1;
  const current = typeof value === "number" ? value : min;
  return (
    <span className="slider">
      <input id={id} type="range" min={min} max={max} step={(max - min) / 100} value={current}
        onChange={(e) => onChange(Number(e.target.value))} />
      <output>{typeof value === "number" ? value.toFixed(2) : "—"}</output>
    </span>
  );
}

export function EnumSelect({ id, value, onChange, schema }: InputProps) {
  const { lang, t } = useForm();
  return (
    <select id={id} value={textOf(value)} onChange={(e) => onChange(e.target.value || undefined)}>
      <option value="">{t("form.choose")}</option>
      {(schema.enum ?? []).map((option) => (
        <option key={String(option)} value={String(option)}>{enumLabel(schema, String(option), lang)}</option>
      ))}
    </select>
  );
}

export function BooleanBox({ id, value, onChange, schema }: InputProps) {
  const checked = typeof value === "boolean" ? value : Boolean(schema.default);
  return <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />;
}

const UNITS = ["s", "m", "h", "d", "w"] as const;

/** A duration such as "4h": an amount and a unit. */
export function DurationInput({ id, value, onChange }: InputProps) {
  const { t } = useForm();
  const match = /^(\d+)([smhdw])$/.exec(textOf(value));
  const [amount, setAmount] = useState(match?.[1] ?? "");
  const [unit, setUnit] = useState<string>(match?.[2] ?? "h");
  useEffect(() => {
    if (match) {
      setAmount(match[1]);
      setUnit(match[2]);
    }
  }, [value]);
  const emit = (nextAmount: string, nextUnit: string) => onChange(nextAmount ? `${nextAmount}${nextUnit}` : undefined);
  return (
    <span className="duration">
      <input id={id} type="number" min={1} value={amount} onChange={(e) => { setAmount(e.target.value); emit(e.target.value, unit); }} />
      <select aria-label={t("form.unit")} value={unit} onChange={(e) => { setUnit(e.target.value); emit(amount, e.target.value); }}>
        {UNITS.map((u) => <option key={u} value={u}>{t(`duration.${u}`)}</option>)}
      </select>
    </span>
  );
}

/** A name picked from a list the server knows (groups, connections, flows), typed freely when it is new. */
export function PickerInput({ id, value, onChange, kind }: InputProps & { kind: keyof Pickers }) {
  const { pickers } = useForm();
  const listId = `${id}-options`;
  return (
    <>
      <input id={id} list={listId} value={textOf(value)} onChange={(e) => onChange(e.target.value || undefined)} />
      <datalist id={listId}>{pickers[kind].map((name) => <option key={name} value={name} />)}</datalist>
    </>
  );
}

/** A value that may be text, a number, true/false or empty (decision-table outputs). */
export function ScalarInput({ id, value, onChange }: InputProps) {
  return <input id={id} value={value === null ? "" : textOf(value)} onChange={(e) => onChange(parseScalar(e.target.value))} />;
}

export function parseScalar(text: string): string | number | boolean | null {
  if (text === "") return null;
  if (text === "true" || text === "false") return text === "true";
  const number = Number(text);
  return text.trim() !== "" && !Number.isNaN(number) && /^-?\d/.test(text.trim()) ? number : text;
}
