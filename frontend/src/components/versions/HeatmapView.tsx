// Traffic over a version's nodes and edges (issue 6 monitoring): the read-only canvas with each node's count
// and each edge's count as its label, over a chosen window.
import { useState } from "react";
import type { FlowDocument } from "../../api/types";
import { useT } from "../../i18n";
import { useLoaded } from "../operations/useAsync";
import { getHeatmap } from "./api";
import { FlowCanvas, type EdgeMark, type NodeMark } from "./FlowCanvas";

const WINDOWS = { hour: 3600_000, day: 86_400_000, week: 7 * 86_400_000, all: 0 } as const;
type Window = keyof typeof WINDOWS;

function heat(count: number, max: number): string {
  if (!count) return "heat-0";
  return `heat-${Math.min(4, 1 + Math.floor((count / Math.max(max, 1)) * 3.999))}`;
}

export function HeatmapView({ flowKey, number, doc }: { flowKey: string; number: number; doc: FlowDocument }) {
  const t = useT();
  const [window, setWindow] = useState<Window>("all");
  const heatmap = useLoaded(() => {
    const span = WINDOWS[window];
    return getHeatmap(flowKey, number, span ? new Date(Date.now() - span).toISOString() : undefined);
  }, [flowKey, number, window]);
  const data = heatmap.data;
  const max = data ? Math.max(0, ...Object.values(data.nodes)) : 0;
  const marks: Record<string, NodeMark> = {};
  const edgeMarks: Record<string, EdgeMark> = {};
  if (data) {
    for (const node of doc.nodes) {
      const count = data.nodes[node.id] ?? 0;
      marks[node.id] = { className: heat(count, max), badge: String(count) };
    }
    for (const [key, count] of Object.entries(data.edges)) edgeMarks[key] = { label: `${key.split("|")[1]} · ${count}`, className: count ? "heat-edge" : undefined };
  }
  return (
    <div className="heatmap" data-testid="heatmap">
      <div className="actions">
        <label>{t("heatmap.window")}{" "}
          <select value={window} onChange={(e) => setWindow(e.target.value as Window)}>
            {(Object.keys(WINDOWS) as Window[]).map((w) => <option key={w} value={w}>{t(`heatmap.${w}` as "heatmap.all")}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => void heatmap.reload()}>{t("ops.refresh")}</button>
      </div>
      {heatmap.error && <p className="error">{t("common.error", { detail: heatmap.error })}</p>}
      {data && <FlowCanvas doc={doc} marks={marks} edgeMarks={edgeMarks} testId="heatmap-canvas" />}
    </div>
  );
}
