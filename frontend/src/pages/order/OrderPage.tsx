// One order: what it is (lines, address, status) and its timeline, which grows live over Socket.IO
// (room order:<id>); operators release a hold, cancel a waiting instance or retry one in incident.
import { useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { useSession } from "../../app/session";
import { useT } from "../../i18n";
import { labelOf } from "../../components/operations/labels";
import { ActionButton } from "../../components/operations/ActionButton";
import {
  cancelInstance, getOrder, getTimeline, releaseHold, retryInstance, type Instance, type OrderSummary,
} from "../../components/operations/api";
import { ReasonButton } from "../../components/operations/ReasonButton";
import { useLoaded } from "../../components/operations/useAsync";
import { useLiveRooms } from "../../components/timeline/live";
import { Timeline } from "../../components/timeline/Timeline";
import "../../components/operations/operations.css";

type Json = Record<string, unknown>;
const REFRESH_AFTER_MS = 100; // gathers the batches of one burst of steps into one re-read

function OrderFacts({ order }: { order: OrderSummary & Json }) {
  const t = useT();
  const address = (order.address ?? {}) as Json;
  const lines = (order.lines ?? []) as Json[];
  return (
    <div className="card order-facts">
      <dl className="facts">
        <div><dt>{t("orders.channel")}</dt><dd>{labelOf(t, "channel", order.channel)} · {order.channel_order_no}</dd></div>
        <div><dt>{t("orders.total")}</dt><dd>¥{order.total}</dd></div>
        <div><dt>{t("orders.status")}</dt><dd data-testid="order-status">{labelOf(t, "orderStatus", order.status)}</dd></div>
        <div><dt>{t("orders.stage")}</dt><dd>{labelOf(t, "stage", order.stage)}</dd></div>
        {order.hold_reason && <div><dt>{t("orders.holdReason")}</dt><dd>{order.hold_reason}</dd></div>}
        <div><dt>{t("orders.address")}</dt><dd>{[address.province, address.city, address.district, address.detail].filter(Boolean).join(" ")}</dd></div>
        <div><dt>{t("orders.warehouses")}</dt><dd>{order.routed_warehouses.join(", ") || "—"}</dd></div>
        {order.tags.length > 0 && <div><dt>{t("orders.tags")}</dt><dd>{order.tags.join(", ")}</dd></div>}
      </dl>
      <table className="grid">
        <thead><tr><th>SKU</th><th>{t("orders.item")}</th><th>{t("orders.qty")}</th><th>{t("orders.price")}</th><th>{t("orders.warehouse")}</th></tr></thead>
        <tbody>
          {lines.map((l) => (
            <tr key={String(l.line_no)}><td>{String(l.sku)}</td><td>{String(l.name ?? "")}</td><td>{String(l.qty)}</td>
              <td>{String(l.price)}</td><td>{String(l.warehouse ?? "—")}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function InstanceActions({ instance, onDone }: { instance: Instance; onDone: () => void }) {
  const t = useT();
  const ops = useSession((s) => s.user?.role === "operator" || s.user?.role === "admin");
  if (!ops) return null;
  return (
    <>
      {instance.status === "incident" && (
        <ActionButton testId={`retry-${instance.id}`} onClick={() => retryInstance(instance.id).then(onDone)}>
          {t("order.retry")}
        </ActionButton>
      )}
      {(instance.status === "waiting" || instance.status === "incident") && (
        <ReasonButton label={t("order.cancelInstance")} testId={`cancel-${instance.id}`}
          onSubmit={(reason) => cancelInstance(instance.id, reason).then(onDone)} />
      )}
    </>
  );
}

export function OrderPage() {
  const t = useT();
  const { orderId = "" } = useParams();
  const order = useLoaded(() => getOrder(orderId), [orderId]);
  const timeline = useLoaded(() => getTimeline(orderId), [orderId]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [updates, setUpdates] = useState(0);
  const live = useLiveRooms([`order:${orderId}`], () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      setUpdates((n) => n + 1);
      void timeline.reload();
      void order.reload();
    }, REFRESH_AFTER_MS);
  });
  const reloadAll = () => {
    void timeline.reload();
    void order.reload();
  };
  const ops = useSession((s) => s.user?.role === "operator" || s.user?.role === "admin");
  const error = order.error ?? timeline.error;
  return (
    <section className="page order-page">
      <div className="page-head">
        <Link to="/orders">← {t("nav.orders")}</Link>
        <h1>{t("order.title", { id: orderId })}</h1>
        <span className={`live ${live ? "on" : "off"}`} data-testid="live-status" data-updates={updates}>
          {live ? t("live.on") : t("live.off")}
        </span>
        <span className="spacer" />
        {ops && order.data?.status === "held" && (
          <ReasonButton label={t("order.releaseHold")} testId="release-hold"
            onSubmit={(reason) => releaseHold(order.data!.id, reason).then(reloadAll)} />
        )}
      </div>
      {error && <p className="error">{t("common.error", { detail: error })}</p>}
      {order.data && <OrderFacts order={order.data} />}
      {timeline.data
        ? <Timeline data={timeline.data} actionsFor={(i) => <InstanceActions instance={i} onDone={reloadAll} />} />
        : !error && <p>{t("common.loading")}</p>}
    </section>
  );
}
