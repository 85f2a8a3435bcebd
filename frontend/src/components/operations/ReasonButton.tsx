// An action that needs a reason (close a warehouse, release a hold, cancel an instance): the button opens a
// small inline form; the reason is required.
import { useState, type FormEvent } from "react";
import { useT } from "../../i18n";
import { useAction } from "./ActionButton";

export function ReasonButton({ label, onSubmit, testId }: {
  label: string; onSubmit: (reason: string) => Promise<unknown>; testId?: string;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const { busy, error, run } = useAction();
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await run(() => onSubmit(reason.trim()))) {
      setOpen(false);
      setReason("");
    }
  }
  if (!open) return <button type="button" data-testid={testId} onClick={() => setOpen(true)}>{label}</button>;
  return (
    <form className="reason-form" onSubmit={(e) => void submit(e)}>
      <input aria-label={t("ops.reason")} placeholder={t("ops.reason")} value={reason} autoFocus
        onChange={(e) => setReason(e.target.value)} />
      <button type="submit" className="primary" disabled={busy || !reason.trim()}>{label}</button>
      <button type="button" onClick={() => setOpen(false)}>{t("common.cancel")}</button>
      {error && <span className="error" role="alert">{error}</span>}
    </form>
  );
}
