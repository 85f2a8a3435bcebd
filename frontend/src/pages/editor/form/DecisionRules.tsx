// Decision-table rules as a table: a unary-test cell per input column and a value cell per output column,
// the columns named from the node's own inputs and outputs.
import type { JsonSchema } from "../../../catalog/types";
import { useForm } from "./context";
import { asList, ListButtons, listOps, RowTools } from "./rowTools";
import { FieldInput, type FieldProps } from "./SchemaForm";

function columnNames(config: Record<string, unknown>, key: string): string[] {
  return asList(config[key]).map((column, i) => {
    const c = (column ?? {}) as Record<string, unknown>;
    return String(c.label || c.name || `#${i + 1}`);
  });
}

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
