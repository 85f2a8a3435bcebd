// The flows, in pipeline order (stage, then priority).
import { useEffect, useState } from "react";
import { listFlows } from "../../api/flows";
import type { FlowSummary } from "../../api/types";
import { useT } from "../../i18n";

export function FlowListPage() {
  const t = useT();
  const [flows, setFlows] = useState<FlowSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    listFlows({}).then(setFlows, (e: Error) => setError(e.message));
  }, []);
  if (error) return <p className="error">{t("common.error", { detail: error })}</p>;
  if (!flows) return <p>{t("common.loading")}</p>;
  return (
    <section className="page">
      <h1>{t("nav.flows")}</h1>
      <ul>
        {flows.map((flow) => (
          <li key={flow.key}>{flow.name}</li>
        ))}
      </ul>
    </section>
  );
}
