// One step's explanation: route candidates with raw values and scores, the decision-table row that fired,
// and for every other node type its recorded facts as a list.
import { pick, useLang, useT } from "../../../i18n";

type Json = Record<string, unknown>;
const asList = (v: unknown) => (Array.isArray(v) ? (v as Json[]) : []);

function RouteExplanation({ e }: { e: Json }) {
  const t = useT();
  const lang = useLang();
  const candidates = asList(e.candidates);
  const factors = Object.keys((candidates[0]?.raw as Json | undefined) ?? {});
  const weights = Object.fromEntries(asList(e.weights).map((w) => [String(w.factor), w]));
  const heading = (factor: string) => `${String(weights[factor]?.label || factor)} ×${String(weights[factor]?.weight ?? "?")}`;
  return (
    <div className="route-explanation">
      <table>
        <thead>
          <tr>
            <th>{t("dryrun.rank")}</th><th>{t("dryrun.candidate")}</th>
            {factors.map((f) => <th key={f}>{heading(f)}<br />{t("dryrun.raw")} / {t("dryrun.score")}</th>)}
            <th>{t("dryrun.total")}</th>
          </tr>
        </thead>
        <tbody>
          {candidates.map((c) => (
            <tr key={String(c.id)} className={c.id === e.winner ? "winner" : undefined}>
              <td>{String(c.rank ?? "—")}</td><td>{String(c.id)}</td>
              {factors.map((f) => (
                <td key={f}>{String((c.raw as Json)[f] ?? "—")} / {String((c.normalised as Json)[f] ?? "—")}</td>
              ))}
              <td>{String(c.total ?? "—")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {asList(e.excluded).map((x) => (
        <p key={String(x.id)} className="excluded">
          {t("dryrun.excluded", { id: String(x.id), reason: pick(lang, String(x.reason_zh ?? ""), String(x.reason_en ?? "")) })}
        </p>
      ))}
      <p>{t("dryrun.decision", { decision: String(e.decision ?? "—"), winner: String(e.winner ?? "—"), margin: String(e.margin ?? "—") })}</p>
    </div>
  );
}

function DecisionTableExplanation({ e }: { e: Json }) {
  const t = useT();
  const rows = asList(e.rows);
  return (
    <div className="table-explanation">
      <p>{rows.length
        ? t("dryrun.rows", { rows: rows.map((r) => Number(r.index) + 1).join(", ") })
        : t("dryrun.noRow")}</p>
      <FactList e={{ inputs: e.inputs, outputs: e.outputs }} />
    </div>
  );
}

function FactList({ e }: { e: Json }) {
  return (
    <dl className="facts">
      {Object.entries(e).map(([key, value]) => (
        <div key={key}><dt>{key}</dt><dd>{typeof value === "object" ? JSON.stringify(value) : String(value)}</dd></div>
      ))}
    </dl>
  );
}

export function Explanation({ type, explanation }: { type: string; explanation: unknown }) {
  const e = (explanation ?? {}) as Json;
  if (type === "route" && Array.isArray(e.candidates)) return <RouteExplanation e={e} />;
  if (type === "decision_table" && Array.isArray(e.rows)) return <DecisionTableExplanation e={e} />;
  return <FactList e={e} />;
}
