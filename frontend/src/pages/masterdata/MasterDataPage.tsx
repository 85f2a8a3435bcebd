// Master data for operators: warehouses (open / close with a reason), stock and its adjustments, context feeds.
import { useSearchParams } from "react-router";
import { useT } from "../../i18n";
import { FeedsPanel } from "../../components/operations/FeedsPanel";
import { StockPanel } from "../../components/operations/StockPanel";
import { WarehousesPanel } from "../../components/operations/WarehousesPanel";
import "../../components/operations/operations.css";

const TABS = { warehouses: "md.warehouses", stock: "md.stock", feeds: "md.feeds" } as const;
type Tab = keyof typeof TABS;

export function MasterDataPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const tab = (params.get("tab") as Tab | null) ?? "warehouses";
  return (
    <section className="page masterdata-page">
      <div className="page-head">
        <h1>{t("nav.masterdata")}</h1>
        <div className="tabs" role="tablist">
          {(Object.keys(TABS) as Tab[]).map((name) => (
            <button key={name} type="button" role="tab" aria-selected={tab === name} onClick={() => setParams({ tab: name })}>
              {t(TABS[name])}
            </button>
          ))}
        </div>
      </div>
      {tab === "warehouses" && <WarehousesPanel />}
      {tab === "stock" && <StockPanel />}
      {tab === "feeds" && <FeedsPanel />}
    </section>
  );
}
