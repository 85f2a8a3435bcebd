// Warehouses for operators: status, load, reservations; close one with a reason (its routed, unshipped orders
// are rerouted, S6) or open it again.
import { useState } from "react";
import { useSession } from "../../app/session";
import { useT } from "../../i18n";
import { ActionButton } from "./ActionButton";
import { closeWarehouse, listWarehouses, openWarehouse } from "./api";
import { ReasonButton } from "./ReasonButton";
import { useLoaded } from "./useAsync";

export function WarehousesPanel() {
  const t = useT();
  const ops = useSession((s) => s.user?.role === "operator" || s.user?.role === "admin");
  const warehouses = useLoaded(listWarehouses, []);
  const [rerouted, setRerouted] = useState<{ code: string; orders: number[] } | null>(null);
  async function close(code: string, reason: string) {
    const answer = await closeWarehouse(code, reason);
    setRerouted({ code, orders: answer.rerouted_orders });
    await warehouses.reload();
  }
  if (warehouses.error) return <p className="error">{t("common.error", { detail: warehouses.error })}</p>;
  if (!warehouses.data) return <p>{t("common.loading")}</p>;
  return (
    <div>
      {rerouted && <p className="notice-inline" role="status">{t("wh.rerouted", { code: rerouted.code, n: rerouted.orders.length })}</p>}
      <table className="grid" data-testid="warehouses">
        <thead><tr>
          <th>{t("wh.code")}</th><th>{t("wh.name")}</th><th>{t("wh.region")}</th><th>{t("wh.status")}</th>
          <th>{t("wh.load")}</th><th>{t("wh.capacity")}</th><th>{t("wh.coldChain")}</th><th>{t("wh.reservations")}</th><th />
        </tr></thead>
        <tbody>
          {warehouses.data.map((w) => (
            <tr key={w.code} data-warehouse={w.code}>
              <td><code>{w.code}</code></td>
              <td>{w.name}</td>
              <td>{w.region}</td>
              <td>
                <span className={`state wh-${w.status}`} data-testid="warehouse-status">{t(w.status === "open" ? "wh.open" : "wh.closed")}</span>
                {w.closed_reason && <span className="muted"> {w.closed_reason}</span>}
              </td>
              <td>{Math.round(Number(w.load) * 100)}%</td>
              <td>{w.capacity_per_day}</td>
              <td>{w.cold_chain ? "✓" : ""}</td>
              <td>{w.active_reservations}</td>
              <td className="actions">
                {ops && (w.status === "open"
                  ? <ReasonButton label={t("wh.close")} testId={`close-${w.code}`} onSubmit={(reason) => close(w.code, reason)} />
                  : <ActionButton testId={`open-${w.code}`} onClick={() => openWarehouse(w.code).then(() => warehouses.reload())}>{t("wh.reopen")}</ActionButton>)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
