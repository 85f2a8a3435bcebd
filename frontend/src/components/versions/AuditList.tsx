// The flow's audit entries (reviewers and admins): who did what to the flow, its versions and its release.
import { useT } from "../../i18n";
import { clock } from "../operations/time";
import type { AuditEntry } from "./api";

export function AuditList({ entries }: { entries: AuditEntry[] }) {
  const t = useT();
  if (!entries.length) return <p className="muted">{t("audit.empty")}</p>;
  return (
    <table className="grid" data-testid="audit">
      <thead><tr><th>{t("audit.at")}</th><th>{t("audit.actor")}</th><th>{t("audit.action")}</th><th>{t("audit.target")}</th>
        <th>{t("audit.outcome")}</th><th>{t("audit.comment")}</th></tr></thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id} className={`outcome-${e.outcome}`}>
            <td>{clock(e.at)}</td><td>{e.actor ?? "—"}</td><td><code>{e.action}</code>{e.count && e.count > 1 ? ` ×${e.count}` : ""}</td>
            <td>{e.target_id}</td><td>{e.outcome}</td><td>{e.comment ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
