// One flow's versions (issue 5 item 9, issue 6's panels): the history with states; for the chosen version its
// diff against another (canvas + text), the review, the impact preview, the heatmap and the audit entries;
// beside it the release (active, candidate, publish, canary, promote, roll back).
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { useSession } from "../../app/session";
import type { Version } from "../../api/types";
import { useT, type MessageKey } from "../../i18n";
import { useLoaded } from "../../components/operations/useAsync";
import { clock } from "../../components/operations/time";
import { AuditList } from "../../components/versions/AuditList";
import { flowAudit, getDiff, getRelease, getVersion, listVersions, type VersionRow } from "../../components/versions/api";
import { DiffView } from "../../components/versions/DiffView";
import { HeatmapView } from "../../components/versions/HeatmapView";
import { PreviewPanel } from "../../components/versions/PreviewPanel";
import { ReleasePanel } from "../../components/versions/ReleasePanel";
import { ReviewBox } from "../../components/versions/ReviewBox";
import "../../components/operations/operations.css";
import "../../components/versions/versions.css";

type Tab = "diff" | "preview" | "heatmap" | "audit";

function History({ versions, chosen, onChoose }: { versions: VersionRow[]; chosen: number; onChoose: (n: number) => void }) {
  const t = useT();
  return (
    <ol className="version-history" data-testid="version-history">
      {versions.map((v) => (
        <li key={v.number}>
          <button type="button" className={v.number === chosen ? "chosen" : ""} data-testid={`version-${v.number}`} onClick={() => onChoose(v.number)}>
            <strong>v{v.number}</strong> <span className={`state state-${v.state}`}>{t(`state.${v.state}` as MessageKey)}</span>
            <span className="muted"> {v.created_by ?? ""}{v.based_on ? ` · ${t("versions.basedOn", { n: v.based_on })}` : ""}</span>
            <span className="muted when">{clock(v.created_at)}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}

function DiffTab({ flowKey, version, versions }: { flowKey: string; version: Version; versions: VersionRow[] }) {
  const t = useT();
  const others = versions.filter((v) => v.number !== version.number);
  const active = versions.find((v) => v.state === "published" && v.number !== version.number);
  const initial = version.based_on ?? active?.number ?? others[0]?.number ?? null;
  const [from, setFrom] = useState<number | null>(initial);
  const diff = useLoaded(async () => {
    if (from === null) return null;
    const [d, before] = await Promise.all([getDiff(flowKey, from, version.number), getVersion(flowKey, from)]);
    return { d, before };
  }, [flowKey, from, version.number]);
  if (from === null) return <p className="muted">{t("diff.nothingToCompare")}</p>;
  return (
    <div>
      <label>{t("diff.compareWith")}{" "}
        <select value={from} onChange={(e) => setFrom(Number(e.target.value))} data-testid="diff-from">
          {others.map((v) => <option key={v.number} value={v.number}>v{v.number} · {t(`state.${v.state}` as MessageKey)}</option>)}
        </select>
      </label>
      {diff.error && <p className="error">{t("common.error", { detail: diff.error })}</p>}
      {diff.data && <DiffView diff={diff.data.d} before={diff.data.before.document} after={version.document} />}
    </div>
  );
}

function VersionDetail({ flowKey, version, versions, onChanged }: {
  flowKey: string; version: Version; versions: VersionRow[]; onChanged: () => void;
}) {
  const t = useT();
  const user = useSession((s) => s.user);
  const reviewer = user?.role === "reviewer" || user?.role === "admin";
  const author = user && (user.username === version.created_by || user.username === version.submitted_by);
  const [tab, setTab] = useState<Tab>("diff");
  const audit = useLoaded(() => (reviewer ? flowAudit(flowKey, versions.map((v) => v.number)) : Promise.resolve([])),
    [flowKey, versions, reviewer]);
  const tabs: Tab[] = reviewer ? ["diff", "preview", "heatmap", "audit"] : ["diff", "preview", "heatmap"];
  return (
    <div className="version-detail" data-testid="version-detail">
      <div className="page-head">
        <h2>v{version.number} <span className={`state state-${version.state}`} data-testid="version-state">{t(`state.${version.state}` as MessageKey)}</span></h2>
        <span className="muted">{t("versions.people", { created: version.created_by ?? "—", submitted: version.submitted_by ?? "—", reviewed: version.reviewed_by ?? "—" })}</span>
        <Link className="button" to={`/flows/${encodeURIComponent(flowKey)}/versions/${version.number}/edit`}>
          {t(version.state === "draft" ? "flows.edit" : "flows.view")}
        </Link>
      </div>
      {version.review_comment && <p className="review-comment">{t("versions.reviewComment", { comment: version.review_comment })}</p>}
      {version.state === "in_review" && reviewer && !author && <ReviewBox flowKey={flowKey} number={version.number} onDone={onChanged} />}
      {version.state === "in_review" && author && <p className="muted">{t("versions.ownVersion")}</p>}
      <div className="tabs" role="tablist">
        {tabs.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} onClick={() => setTab(name)}>{t(`versions.tab.${name}` as MessageKey)}</button>
        ))}
      </div>
      {tab === "diff" && <DiffTab flowKey={flowKey} version={version} versions={versions} />}
      {tab === "preview" && <PreviewPanel flowKey={flowKey} number={version.number} />}
      {tab === "heatmap" && <HeatmapView flowKey={flowKey} number={version.number} doc={version.document} />}
      {tab === "audit" && (audit.data ? <AuditList entries={audit.data} /> : <p>{t("common.loading")}</p>)}
    </div>
  );
}

export function VersionsPage() {
  const t = useT();
  const { key = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const user = useSession((s) => s.user);
  const canRelease = user?.role === "reviewer" || user?.role === "admin";
  const versions = useLoaded(() => listVersions(key), [key]);
  const release = useLoaded(() => getRelease(key), [key]);
  const chosen = Number(params.get("v")) || versions.data?.[0]?.number || 0;
  const version = useLoaded(() => (chosen ? getVersion(key, chosen) : Promise.resolve(null)), [key, chosen]);
  const changed = () => {
    void versions.reload();
    void release.reload();
    void version.reload();
  };
  const error = versions.error ?? version.error ?? release.error;
  return (
    <section className="page versions-page">
      <div className="page-head">
        <Link to="/flows">← {t("nav.flows")}</Link>
        <h1>{version.data?.document.name ?? key}</h1>
        <code>{key}</code>
      </div>
      {error && <p className="error">{t("common.error", { detail: error })}</p>}
      <div className="versions-layout">
        <aside>
          <h3>{t("versions.history")}</h3>
          {versions.data && <History versions={versions.data} chosen={chosen} onChoose={(n) => setParams({ v: String(n) })} />}
        </aside>
        <div className="versions-main">
          {version.data && versions.data && version.data.number === chosen &&
            <VersionDetail key={chosen} flowKey={key} version={version.data} versions={versions.data} onChanged={changed} />}
        </div>
        <aside className="release-side">
          <h3>{t("release.title")}</h3>
          {release.data && <ReleasePanel flowKey={key} release={release.data} canRelease={canRelease} onDone={changed}
            publishable={version.data?.state === "approved" ? version.data.number : null} />}
        </aside>
      </div>
    </section>
  );
}
