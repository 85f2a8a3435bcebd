// One approval task in the inbox: the order it is about, its SLA clock, and what the operator can do —
// claim it, hand it to another group, or decide it with the approval's form.
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useSession } from "../../app/session";
import { pick, useLang, useT } from "../../i18n";
import { ActionButton, useAction } from "./ActionButton";
import { claimTask, decideTask, reassignTask, type FormField, type Task } from "./api";
import { labelOf } from "./labels";
import { hms, msLeft } from "./time";

type Values = Record<string, unknown>;

export function SlaClock({ due, now }: { due: string | null; now: number }) {
  const t = useT();
  const left = msLeft(due, now);
  if (left === null) return <span className="sla muted">{t("inbox.noSla")}</span>;
  const level = left < 0 ? "overdue" : left < 3600_000 ? "soon" : "ok";
  return (
    <span className={`sla sla-${level}`} data-testid="sla">
      {left < 0 ? t("inbox.overdue", { time: hms(left) }) : t("inbox.dueIn", { time: hms(left) })}
    </span>
  );
}

function FieldInput({ field, value, onChange }: { field: FormField; value: unknown; onChange: (v: unknown) => void }) {
  const lang = useLang();
  const label = pick(lang, field.label_zh, field.label_en) || field.name;
  const common = { "aria-label": label, required: field.required };
  let input;
  if (field.type === "boolean") {
    input = <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  } else if (field.type === "number" || field.type === "integer") {
    input = <input type="number" {...common} value={value === undefined ? "" : String(value)}
      onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))} />;
  } else if (Array.isArray(field.options) && field.options.length) {
    input = (
      <select {...common} value={String(value ?? "")} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">—</option>
        {field.options.map((o) => <option key={String(o)} value={String(o)}>{String(o)}</option>)}
      </select>
    );
  } else {
    input = <textarea rows={2} {...common} value={String(value ?? "")} onChange={(e) => onChange(e.target.value || undefined)} />;
  }
  return <label className="field">{label}{field.required && <span className="required"> *</span>}{input}</label>;
}

function DecideForm({ task, onDone }: { task: Task; onDone: () => void }) {
  const t = useT();
  const [values, setValues] = useState<Values>({});
  const { busy, error, run } = useAction();
  async function decide(event: FormEvent, decision: "approved" | "rejected") {
    event.preventDefault();
    if (await run(() => decideTask(task.id, decision, values))) onDone();
  }
  return (
    <form className="decide-form" onSubmit={(e) => void decide(e, "approved")}>
      {task.form.map((f) => (
        <FieldInput key={f.name} field={f} value={values[f.name]} onChange={(v) => setValues({ ...values, [f.name]: v })} />
      ))}
      <div className="dialog-buttons">
        <button type="button" disabled={busy} data-testid="reject" onClick={(e) => void decide(e, "rejected")}>{t("inbox.reject")}</button>
        <button type="submit" className="primary" disabled={busy} data-testid="approve">{t("inbox.approve")}</button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
    </form>
  );
}

function Reassign({ task, groups, onDone }: { task: Task; groups: string[]; onDone: () => void }) {
  const t = useT();
  const [group, setGroup] = useState("");
  return (
    <span className="reassign">
      <select aria-label={t("inbox.reassignTo")} value={group} onChange={(e) => setGroup(e.target.value)}>
        <option value="">{t("inbox.reassignTo")}</option>
        {groups.filter((g) => g !== task.group).map((g) => <option key={g} value={g}>{g}</option>)}
      </select>
      <ActionButton disabled={!group} onClick={() => reassignTask(task.id, group).then(onDone)}>{t("inbox.reassign")}</ActionButton>
    </span>
  );
}

export function TaskCard({ task, now, groups, onChange }: { task: Task; now: number; groups: string[]; onChange: () => void }) {
  const t = useT();
  const me = useSession((s) => s.user?.username);
  const mine = task.assignee === me;
  const order = task.order ?? {};
  return (
    <article className="card task" data-testid="task" data-task={task.id} data-order={task.order_id}>
      <header className="task-head">
        <strong>{task.title || task.node}</strong>
        <span className="muted">{task.flow} · {task.group}</span>
        <span className="spacer" />
        <SlaClock due={task.sla_due_at} now={now} />
      </header>
      <p className="task-order">
        <Link to={`/orders/${task.order_id}`}>{t("inbox.order", { id: task.order_id })}</Link>
        {" "}{labelOf(t, "channel", order.channel)} · {order.channel_order_no} · ¥{order.total} · {labelOf(t, "orderStatus", order.status)}
      </p>
      <p className="muted">
        {task.assignee ? t("inbox.claimedBy", { user: task.assignee }) : t("inbox.unclaimed")}
        {task.escalated_to && <> · {t("inbox.escalated", { group: task.escalated_to })}</>}
      </p>
      <div className="actions">
        {!mine && <ActionButton testId="claim" onClick={() => claimTask(task.id).then(onChange)}>{t("inbox.claim")}</ActionButton>}
        <Reassign task={task} groups={groups} onDone={onChange} />
      </div>
      {mine && <DecideForm task={task} onDone={onChange} />}
    </article>
  );
}
