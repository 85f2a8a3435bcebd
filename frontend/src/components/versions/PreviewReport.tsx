// An impact preview's report: orders replayed, changed / unchanged, the outcome distribution of the active
// version and of this one, changes by kind, routing shifts, and the changed orders linking to their timelines.
import { Link } from "react-router";
import { useT } from "../../i18n";
import type { ChangedOrder, OutcomeCount, PreviewReport } from "./api";

const SHOWN_ORDERS = 200;
type Json = Record<string, unknown>;

const outcomeKey = (o: OutcomeCount) => [o.status, o.outcome ?? "", o.node ?? "", o.port ?? ""].join("|");

function OutcomeTable({ report }: { report: PreviewReport }) {
  const t = useT();
  const rows = new Map<string, { o: OutcomeCount; baseline: number; proposed: number }>();
  for (const side of ["baseline", "proposed"] as const) {
    for (const o of report.outcomes[side] ?? []) {
      const row = rows.get(outcomeKey(o)) ?? { o, baseline: 0, proposed: 0 };
      row[side] += o.count;
      rows.set(outcomeKey(o), row);
    }
  }
  return (
    <table className="grid" data-testid="outcome-distribution">
      <thead><tr><th>{t("preview.status")}</th><th>{t("preview.outcome")}</th><th>{t("preview.endNode")}</th>
        <th>{t("preview.baseline")}</th><th>{t("preview.proposed")}</th></tr></thead>
      <tbody>
        {[...rows.entries()].map(([key, { o, baseline, proposed }]) => (
          <tr key={key} className={baseline !== proposed ? "differs" : undefined}>
            <td>{o.status}</td><td>{o.outcome ?? "—"}</td><td>{o.node ?? "—"}{o.port ? ` → ${o.port}` : ""}</td>
            <td>{baseline}</td><td>{proposed}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function brief(side: Json): string {
  const routes = Object.entries((side.routes ?? {}) as Json).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join("+") : String(v)}`);
  const approvals = Array.isArray(side.approvals) && side.approvals.length ? [`approval: ${side.approvals.join(", ")}`] : [];
  return [String(side.outcome ?? side.status ?? "—"), ...routes, ...approvals, side.hold ? "hold" : "", side.cancel ? "cancel" : ""]
    .filter(Boolean).join(" · ");
}

function ChangedOrders({ orders, truncated }: { orders: ChangedOrder[]; truncated?: boolean }) {
  const t = useT();
  return (
    <>
      <table className="grid" data-testid="changed-orders">
        <thead><tr><th>{t("preview.order")}</th><th>{t("preview.kinds")}</th><th>{t("preview.baseline")}</th><th>{t("preview.proposed")}</th></tr></thead>
        <tbody>
          {orders.slice(0, SHOWN_ORDERS).map((c) => (
            <tr key={c.order_id} data-order={c.order_id}>
              <td><Link to={`/orders/${c.order_id}`}>#{c.order_id}</Link></td>
              <td>{c.kinds.join(", ")}</td>
              <td>{brief(c.baseline)}</td>
              <td>{brief(c.proposed)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {(truncated || orders.length > SHOWN_ORDERS) && <p className="muted">{t("preview.truncated", { n: Math.min(orders.length, SHOWN_ORDERS) })}</p>}
    </>
  );
}

export function PreviewReportView({ report }: { report: PreviewReport }) {
  const t = useT();
  const routing = Object.entries(report.routing ?? {});
  return (
    <div className="preview-report" data-testid="preview-report">
      <p data-testid="preview-summary">{t("preview.summary", { orders: report.orders, changed: report.changed, unchanged: report.unchanged })}</p>
      <h4>{t("preview.distribution")}</h4>
      <OutcomeTable report={report} />
      {Object.keys(report.changes ?? {}).length > 0 && (
        <>
          <h4>{t("preview.byKind")}</h4>
          <ul>{Object.entries(report.changes).map(([kind, c]) => <li key={kind}><code>{kind}</code>: {c.count}</li>)}</ul>
        </>
      )}
      {routing.map(([target, r]) => r.moved > 0 && (
        <div key={target}>
          <h4>{t("preview.routing", { target, moved: r.moved })}</h4>
          <ul>{r.shifts.map((s, i) => <li key={i}>{s.from ?? "—"} → {s.to ?? "—"}: {s.count}</li>)}</ul>
        </div>
      ))}
      <h4>{t("preview.changedOrders")}</h4>
      {report.changed_orders.length ? <ChangedOrders orders={report.changed_orders} truncated={report.changed_orders_truncated} />
        : <p className="muted">{t("preview.noChanges")}</p>}
    </div>
  );
}
