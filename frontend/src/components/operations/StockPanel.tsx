// Stock by SKU and warehouse, and adjustments (a delta with a reason; never below zero — the API says why).
import { useState, type FormEvent } from "react";
import { useSession } from "../../app/session";
import { useT } from "../../i18n";
import { useAction } from "./ActionButton";
import { adjustStock, listStock } from "./api";
import { useLoaded } from "./useAsync";

interface Adjustment {
  sku: string;
  warehouse: string;
  delta: string;
  reason: string;
}

function AdjustForm({ onDone }: { onDone: () => void }) {
  const t = useT();
  const [form, setForm] = useState<Adjustment>({ sku: "", warehouse: "", delta: "", reason: "" });
  const { busy, error, run } = useAction();
  const set = (name: keyof Adjustment) => (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value });
  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = { sku: form.sku.trim(), warehouse: form.warehouse.trim(), delta: Number(form.delta), reason: form.reason.trim() };
    if (await run(() => adjustStock(body))) {
      setForm({ ...form, delta: "", reason: "" });
      onDone();
    }
  }
  return (
    <form className="form-row adjust-form" onSubmit={(e) => void submit(e)}>
      <label>SKU<input value={form.sku} onChange={set("sku")} required /></label>
      <label>{t("wh.code")}<input value={form.warehouse} onChange={set("warehouse")} required /></label>
      <label>{t("stock.delta")}<input type="number" step={1} value={form.delta} onChange={set("delta")} required /></label>
      <label>{t("ops.reason")}<input value={form.reason} onChange={set("reason")} required /></label>
      <button type="submit" className="primary" disabled={busy}>{t("stock.adjust")}</button>
      {error && <span className="error" role="alert">{error}</span>}
    </form>
  );
}

export function StockPanel() {
  const t = useT();
  const ops = useSession((s) => s.user?.role === "operator" || s.user?.role === "admin");
  const [sku, setSku] = useState("");
  const [warehouse, setWarehouse] = useState("");
  const stock = useLoaded(() => listStock(sku.trim(), warehouse.trim()), [sku, warehouse]);
  return (
    <div>
      {ops && <AdjustForm onDone={() => void stock.reload()} />}
      <div className="filters" role="search">
        <input type="search" aria-label="SKU" placeholder="SKU" value={sku} onChange={(e) => setSku(e.target.value)} />
        <input type="search" aria-label={t("wh.code")} placeholder={t("wh.code")} value={warehouse} onChange={(e) => setWarehouse(e.target.value)} />
      </div>
      {stock.error && <p className="error">{t("common.error", { detail: stock.error })}</p>}
      {stock.data && (
        <>
          <p className="muted">{t("stock.total", { n: stock.data.total })}</p>
          <table className="grid" data-testid="stock">
            <thead><tr><th>SKU</th><th>{t("wh.code")}</th><th>{t("stock.available")}</th><th>{t("stock.reserved")}</th></tr></thead>
            <tbody>
              {stock.data.items.map((r) => (
                <tr key={`${r.sku}/${r.warehouse}`}><td>{r.sku}</td><td>{r.warehouse}</td><td>{r.available}</td><td>{r.reserved}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
