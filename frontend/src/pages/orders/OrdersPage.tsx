// Orders, newest first: search by order id, channel order number, phone or recipient; filter by channel and
// status. The list refreshes itself every few seconds, so new orders appear without a reload.
import { useState } from "react";
import { Link } from "react-router";
import { useT } from "../../i18n";
import { labelOf } from "../../components/operations/labels";
import { listOrders, type OrderFilter } from "../../components/operations/api";
import { clock } from "../../components/operations/time";
import { useInterval, useLoaded } from "../../components/operations/useAsync";
import "../../components/operations/operations.css";

const CHANNELS = ["tmall", "douyin", "pdd", "miniprogram", "pos"];
export const ORDER_STATUSES = ["created", "paid", "held", "approved", "routed", "backordered", "shipped", "delivered",
  "return_requested", "returned", "cancelled"];
const REFRESH_MS = 3000;

export function OrdersPage() {
  const t = useT();
  const [filter, setFilter] = useState<OrderFilter>({});
  const orders = useLoaded(() => listOrders({ ...filter, limit: 100 }), [filter]);
  useInterval(() => void orders.reload(), REFRESH_MS);
  return (
    <section className="page orders-page">
      <div className="page-head">
        <h1>{t("nav.orders")}</h1>
        <div className="filters" role="search">
          <input type="search" aria-label={t("common.search")} placeholder={t("orders.searchHint")} value={filter.q ?? ""}
            onChange={(e) => setFilter({ ...filter, q: e.target.value })} />
          <select aria-label={t("orders.channel")} value={filter.channel ?? ""} onChange={(e) => setFilter({ ...filter, channel: e.target.value })}>
            <option value="">{t("orders.allChannels")}</option>
            {CHANNELS.map((c) => <option key={c} value={c}>{labelOf(t, "channel", c)}</option>)}
          </select>
          <select aria-label={t("orders.status")} value={filter.status ?? ""} onChange={(e) => setFilter({ ...filter, status: e.target.value })}>
            <option value="">{t("orders.allStatuses")}</option>
            {ORDER_STATUSES.map((s) => <option key={s} value={s}>{labelOf(t, "orderStatus", s)}</option>)}
          </select>
        </div>
      </div>
      {orders.error && <p className="error">{t("common.error", { detail: orders.error })}</p>}
      {!orders.data && !orders.error && <p>{t("common.loading")}</p>}
      {orders.data && !orders.data.length && <p className="muted">{t("orders.empty")}</p>}
      {orders.data && orders.data.length > 0 && (
        <table className="grid" data-testid="order-list">
          <thead><tr>
            <th>#</th><th>{t("orders.channel")}</th><th>{t("orders.number")}</th><th>{t("orders.status")}</th>
            <th>{t("orders.stage")}</th><th>{t("orders.total")}</th><th>{t("orders.region")}</th>
            <th>{t("orders.warehouses")}</th><th>{t("orders.paidAt")}</th>
          </tr></thead>
          <tbody>
            {orders.data.map((o) => (
              <tr key={o.id} data-order={o.id}>
                <td><Link to={`/orders/${o.id}`}>{o.id}</Link></td>
                <td>{labelOf(t, "channel", o.channel)}</td>
                <td><Link to={`/orders/${o.id}`}>{o.channel_order_no}</Link></td>
                <td><span className={`state status-${o.status}`}>{labelOf(t, "orderStatus", o.status)}</span>{o.hold_reason && <span className="muted"> {o.hold_reason}</span>}</td>
                <td>{labelOf(t, "stage", o.stage)}</td>
                <td>¥{o.total}</td>
                <td>{[o.province, o.city].filter(Boolean).join(" ")}</td>
                <td>{o.routed_warehouses.join(", ") || "—"}</td>
                <td>{clock(o.paid_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
