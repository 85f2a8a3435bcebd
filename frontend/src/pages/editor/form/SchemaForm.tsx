// The property form, generated from a node type's config JSON Schema: one FieldView per property, the
// widget chosen by widgetFor(), errors from the validator shown under the field they belong to.
import type { JsonSchema } from "../../../catalog/types";
import { pick } from "../../../i18n";
import { titleOf, useForm } from "./context";
import { ExpressionEditor } from "./ExpressionEditor";
import {
  BooleanBox, DurationInput, EnumSelect, NumberInput, PickerInput, ScalarInput, SliderInput, TextArea, TextInput,
  type InputProps,
} from "./inputs";
import { DecisionRules } from "./DecisionRules";
import { MapEditor, MultiEnum, RowsEditor, StringList } from "./lists";
import { isRequired, visibleFields, widgetFor } from "./widgets";

export interface FieldProps {
  path: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
}

export const fieldId = (path: string) => `field-${path.replace(/[^\w-]/g, "_")}`;

function FieldErrors({ path }: { path: string }) {
  const { problemsAt, lang } = useForm();
  const own = problemsAt(path);
  if (!own.length) return null;
  return (
    <ul className="field-errors">
      {own.map((p, i) => <li key={i} className={p.severity}>{pick(lang, p.message_zh, p.message_en)}</li>)}
    </ul>
  );
}

/** The widget alone (no label): also used for the cells of row editors. */
export function FieldInput({ path, schema, value, onChange }: FieldProps) {
  const { fields, problemsAt, lang, readOnly } = useForm();
  const props: InputProps = { id: fieldId(path), schema, value, onChange };
  switch (widgetFor(schema)) {
    case "expression":
      return <ExpressionEditor value={typeof value === "string" ? value : ""} label={titleOf(schema, lang, path)} readOnly={readOnly}
        onChange={(text) => onChange(text === "" ? undefined : text)} fields={fields(schema["x-bindings"])}
        errors={problemsAt(path).map((p) => pick(lang, p.message_zh, p.message_en))} />;
    case "unaryTest":
    case "text": return <TextInput {...props} />;
    case "textarea": return <TextArea {...props} />;
    case "duration": return <DurationInput {...props} />;
    case "group": return <PickerInput {...props} kind="groups" />;
    case "connection": return <PickerInput {...props} kind="connections" />;
    case "flow": return <PickerInput {...props} kind="flows" />;
    case "slider": return <SliderInput {...props} />;
    case "enum": return <EnumSelect {...props} />;
    case "boolean": return <BooleanBox {...props} />;
    case "number": return <NumberInput {...props} />;
    case "scalar": return <ScalarInput {...props} />;
    case "multiEnum": return <MultiEnum {...props} />;
    case "stringList": return <StringList path={path} schema={schema} value={value} onChange={onChange} />;
    case "rows": return <RowsEditor path={path} schema={schema} value={value} onChange={onChange} />;
    case "decisionRules": return <DecisionRules path={path} schema={schema} value={value} onChange={onChange} />;
    case "object": return <ObjectFields path={path} schema={schema} value={value} onChange={onChange} />;
    case "map": return <MapEditor path={path} schema={schema} value={value} onChange={onChange} />;
    case "unsupported": return <span className="unsupported">{JSON.stringify(value ?? null)}</span>;
  }
}

/** One labelled field with its errors; data-field lets a click in the problem list find it. */
export function FieldView(props: FieldProps & { required?: boolean; name: string }) {
  const { lang } = useForm();
  const widget = widgetFor(props.schema);
  const grouped = ["object", "rows", "decisionRules", "map", "stringList", "multiEnum"].includes(widget);
  return (
    <div className={`field widget-${widget}`} data-field={props.path}>
      <label htmlFor={fieldId(props.path)} className={grouped ? "group-title" : undefined}>
        {titleOf(props.schema, lang, props.name)}{props.required && <span className="required"> *</span>}
      </label>
      <FieldInput {...props} />
      <FieldErrors path={props.path} />
    </div>
  );
}

const asObject = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** The properties of an object, each as a FieldView; an emptied optional object disappears. */
export function ObjectFields({ path, schema, value, onChange }: FieldProps) {
  const current = asObject(value);
  const change = (name: string, next: unknown) => {
    const updated = { ...current, [name]: next };
    if (next === undefined) delete updated[name];
    onChange(Object.keys(updated).length ? updated : undefined);
  };
  return (
    <div className="object-fields">
      {visibleFields(schema, current).map((name) => (
        <FieldView key={name} name={name} path={path ? `${path}.${name}` : name} schema={schema.properties![name]} value={current[name]}
          required={isRequired(schema, current, name)} onChange={(next) => change(name, next)} />
      ))}
    </div>
  );
}
