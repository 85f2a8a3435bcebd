// The flows, stage by stage in the order the pipeline runs them (priority within a stage): search, filter by
// stage and state, open or start a draft, create a new flow from the template gallery.
import { useCallback, useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";
import { api } from "../../api/client";
import { listFlows, newDraftFrom, type FlowFilter } from "../../api/flows";
import { FLOW_KINDS, VERSION_STATES, type FlowSummary } from "../../api/types";
import { useSession } from "../../app/session";
import { useT, type MessageKey } from "../../i18n";
import { NewFlowDialog } from "./NewFlowDialog";

function Filters({ filter, onChange }: { filter: FlowFilter; onChange: (f: FlowFilter) => void }) {
  const t = useT();
  return (
    <div className="filters" role="search">
      <input type="search" aria-label={t("common.search")} placeholder={t("flows.searchHint")} value={filter.q ?? ""}
        onChange={(e) => onChange({ ...filter, q: e.target.value })} />
      <select aria-label={t("flows.kind")} value={filter.kind ?? ""} onChange={(e) => onChange({ ...filter, kind: e.target.value })}>
        <option value="">{t("flows.allKinds")}</option>
        {FLOW_KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}` as MessageKey)}</option>)}
      </select>
      <select aria-label={t("flows.state")} value={filter.state ?? ""} onChange={(e) => onChange({ ...filter, state: e.target.value })}>
        <option value="">{t("flows.allStates")}</option>
        {VERSION_STATES.map((s) => <option key={s} value={s}>{t(`state.${s}` as MessageKey)}</option>)}
      </select>
    </div>
  );
}

interface RowProps {
  flow: FlowSummary;
  canEdit: boolean;
  canReorder: boolean;
  onMove: (by: -1 | 1) => void;
  onError: (error: Error) => void;
}

function FlowRow({ flow, canEdit, canReorder, onMove, onError }: RowProps) {
  const t = useT();
  const navigate = useNavigate();
  const latest = flow.latest_version;
  const editUrl = (n: number) => `/flows/${encodeURIComponent(flow.key)}/versions/${n}/edit`;
  function newDraft() {
    newDraftFrom(flow.key, latest!.number).then((draft) => navigate(editUrl(draft.number)), onError);
  }
  return (
    <tr data-flow={flow.key}>
      <td className="priority">{flow.priority}</td>
      <td>
        <Link to={`/flows/${encodeURIComponent(flow.key)}`}><strong>{flow.name}</strong></Link>
        <div className="muted"><code>{flow.key}</code> {flow.description}</div>
      </td>
      <td>{flow.active_version ? `v${flow.active_version.number}` : "—"}</td>
      <td>{latest ? <span className={`state state-${latest.state}`}>v{latest.number} · {t(`state.${latest.state}` as MessageKey)}</span> : "—"}</td>
      <td>{flow.candidate ? `v${flow.candidate.number}` : "—"}</td>
      <td className="actions">
        {latest && canEdit && latest.state === "draft"
          ? <Link to={editUrl(latest.number)} className="button">{t("flows.edit")}</Link>
          : latest && <Link to={editUrl(latest.number)} className="button">{t("flows.view")}</Link>}
        {latest && canEdit && latest.state !== "draft" &&
          <button type="button" onClick={newDraft}>{t("flows.newDraft")}</button>}
        {canReorder && <>
          <button type="button" title={t("flows.earlier")} onClick={() => onMove(-1)}>↑</button>
          <button type="button" title={t("flows.later")} onClick={() => onMove(1)}>↓</button>
        </>}
      </td>
    </tr>
  );
}

export function FlowListPage() {
  const t = useT();
  const role = useSession((s) => s.user?.role);
  const [filter, setFilter] = useState<FlowFilter>({});
  const [flows, setFlows] = useState<FlowSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const refresh = useCallback(() => listFlows(filter).then(setFlows, (e: Error) => setError(e.message)), [filter]);
  useEffect(() => {
    const timer = setTimeout(() => void refresh(), 200);
    return () => clearTimeout(timer);
  }, [refresh]);
  const canEdit = role === "editor" || role === "admin";
  // PATCH /api/flows needs flow.edit and, for priority, flow.review too: only an admin holds both today
  const canReorder = role === "admin";
  const showError = (e: Error) => setError(e.message);

  /** Swap priorities with the neighbour in the same stage. */
  async function move(stage: FlowSummary[], index: number, by: -1 | 1) {
    const other = stage[index + by];
    if (!other) return;
    const flow = stage[index];
    const [a, b] = flow.priority === other.priority ? [other.priority + by, flow.priority] : [other.priority, flow.priority];
    await api.patch(`/api/flows/${encodeURIComponent(flow.key)}`, { priority: a });
    await api.patch(`/api/flows/${encodeURIComponent(other.key)}`, { priority: b });
    await refresh();
  }

  return (
    <section className="page flow-list">
      <div className="page-head">
        <h1>{t("nav.flows")}</h1>
        <Filters filter={filter} onChange={setFilter} />
        {canEdit && <button type="button" className="primary" onClick={() => setCreating(true)}>{t("flows.new")}</button>}
      </div>
      {error && <p className="error">{t("common.error", { detail: error })}</p>}
      {!flows && !error && <p>{t("common.loading")}</p>}
      {flows && !flows.length && <p className="muted">{t("flows.empty")}</p>}
      {flows && FLOW_KINDS.map((kind) => {
        const stage = flows.filter((f) => f.kind === kind);
        if (!stage.length) return null;
        return (
          <section key={kind} className="stage">
            <h2>{t(`kind.${kind}` as MessageKey)}</h2>
            <table>
              <thead><tr>
                <th>{t("flows.priority")}</th><th>{t("flows.name")}</th><th>{t("flows.active")}</th>
                <th>{t("flows.latest")}</th><th>{t("flows.candidate")}</th><th />
              </tr></thead>
              <tbody>
                {stage.map((flow, i) => <FlowRow key={flow.key} flow={flow} canEdit={canEdit} canReorder={canReorder}
                  onError={showError} onMove={(by) => move(stage, i, by).catch(showError)} />)}
              </tbody>
            </table>
          </section>
        );
      })}
      {creating && <NewFlowDialog onClose={() => setCreating(false)} />}
    </section>
  );
}
