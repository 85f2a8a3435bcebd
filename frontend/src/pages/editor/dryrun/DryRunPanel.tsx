// The test run: the draft on a demo order (or pasted JSON) through POST /api/dry-runs, nothing stored; the
// path lights up on the canvas and each step shows its explanation.
import { useState } from "react";
import { ApiProblem, api } from "../../../api/client";
import { pick, useLang, useT } from "../../../i18n";
import { useEditor, useEditorStore } from "../EditorContext";
import { DEMO_ORDERS } from "./demoOrders";
import { Explanation } from "./Explanation";

interface Step {
  seq: number;
  node: string;
  type: string;
  label: string;
  port: string | null;
  status: string;
  explanation: unknown;
}

interface DryRunAnswer {
  status: string;
  outcome: string | null;
  path: string[];
  steps: Step[];
}

const HUMAN = ["approve", "reject", "wait"] as const;

export function DryRunPanel() {
  const t = useT();
  const lang = useLang();
  const store = useEditorStore();
  const doc = useEditor((s) => s.doc)!;
  const [choice, setChoice] = useState("0");
  const [pasted, setPasted] = useState("");
  const [human, setHuman] = useState<(typeof HUMAN)[number]>("approve");
  const [answer, setAnswer] = useState<DryRunAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  function orderToRun(): Record<string, unknown> | null {
    if (choice !== "paste") return DEMO_ORDERS[Number(choice)].order;
    try {
      return JSON.parse(pasted) as Record<string, unknown>;
    } catch (e) {
      setError(t("dryrun.badJson", { detail: (e as Error).message }));
      return null;
    }
  }

  async function run() {
    setError(null);
    const order = orderToRun();
    if (!order) return;
    try {
      const result = await api.post<DryRunAnswer>("/api/dry-runs", { document: doc, order, human });
      setAnswer(result);
      store.getState().setHighlight(result.path.filter((id) => id !== "trigger"));
    } catch (e) {
      setAnswer(null);
      store.getState().setHighlight([]);
      const first = e instanceof ApiProblem ? e.problems[0] : undefined;
      setError(first ? pick(lang, first.message_zh, first.message_en) : String(e));
    }
  }

  return (
    <section className="dry-run" data-testid="dry-run">
      <div className="dry-run-controls">
        <label>
          {t("dryrun.order")}
          <select value={choice} onChange={(e) => setChoice(e.target.value)} data-testid="dry-run-order">
            {DEMO_ORDERS.map((d, i) => <option key={d.key} value={String(i)}>{t(d.key)}</option>)}
            <option value="paste">{t("dryrun.paste")}</option>
          </select>
        </label>
        <label>
          {t("dryrun.human")}
          <select value={human} onChange={(e) => setHuman(e.target.value as (typeof HUMAN)[number])}>
            {HUMAN.map((h) => <option key={h} value={h}>{t(`dryrun.human.${h}`)}</option>)}
          </select>
        </label>
        <button type="button" className="primary" onClick={() => void run()}>{t("dryrun.run")}</button>
        {answer && <button type="button" onClick={() => { setAnswer(null); store.getState().setHighlight([]); }}>{t("dryrun.clear")}</button>}
      </div>
      {choice === "paste" && (
        <textarea className="order-json" rows={6} value={pasted} aria-label={t("dryrun.paste")}
          placeholder='{"total": "6000.00", "lines": [...]}' onChange={(e) => setPasted(e.target.value)} />
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {answer && (
        <div className="dry-run-result" data-testid="dry-run-result">
          <p>{t("dryrun.result", { status: answer.status, outcome: answer.outcome ?? "—" })}</p>
          <ol className="steps">
            {answer.steps.map((step) => (
              <li key={step.seq}>
                <strong>{step.label || step.node}</strong> <code>{step.node}</code>
                {step.port && <span className="port-tag">→ {step.port}</span>} <span className="muted">{step.status}</span>
                <Explanation type={step.type} explanation={step.explanation} />
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
