// What a version changes against another: the canvas with added (green), removed (red, drawn from the old
// version) and changed (amber) nodes and edges, the changed config paths, and the unified DSL diff.
// "Layout only" when only positions or notes moved (equal behaviour hashes).
import { useMemo } from "react";
import type { FlowDocument, FlowEdge } from "../../api/types";
import { useT } from "../../i18n";
import type { Diff } from "./api";
import { FlowCanvas, type EdgeMark, type NodeMark } from "./FlowCanvas";

const keyOf = (e: FlowEdge) => `${e.from}|${e.port}|${e.to}`;

/** Node and edge marks of a diff, and the old version's removed nodes and edges to draw beside the new. */
export function diffMarks(diff: Diff, before: FlowDocument) {
  const s = diff.structural;
  const marks: Record<string, NodeMark> = {};
  for (const id of s.nodes_added) marks[id] = { className: "diff-added" };
  for (const c of s.nodes_changed) marks[c.id] = { className: "diff-changed" };
  for (const id of s.nodes_removed) marks[id] = { className: "diff-removed" };
  const edgeMarks: Record<string, EdgeMark> = {};
  for (const e of s.edges_added as FlowEdge[]) edgeMarks[keyOf(e)] = { className: "diff-added" };
  for (const e of s.edges_removed as FlowEdge[]) edgeMarks[keyOf(e)] = { className: "diff-removed" };
  const removed = new Set(s.nodes_removed);
  const removedEdges = new Set((s.edges_removed as FlowEdge[]).map(keyOf));
  const extra: FlowDocument = {
    ...before,
    nodes: before.nodes.filter((n) => removed.has(n.id)),
    edges: before.edges.filter((e) => removedEdges.has(keyOf(e))),
  };
  return { marks, edgeMarks, extra };
}

function TextDiff({ text }: { text: string }) {
  const lines = text.split("\n");
  return (
    <pre className="text-diff" data-testid="text-diff">
      {lines.map((line, i) => {
        const kind = line.startsWith("+++") || line.startsWith("---") ? "file"
          : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : "same";
        return <div key={i} className={`diff-line diff-${kind}`}>{line || " "}</div>;
      })}
    </pre>
  );
}

function Summary({ diff }: { diff: Diff }) {
  const t = useT();
  const s = diff.structural;
  return (
    <ul className="diff-summary" data-testid="diff-summary">
      {s.nodes_added.length > 0 && <li className="diff-added">{t("diff.added", { ids: s.nodes_added.join(", ") })}</li>}
      {s.nodes_removed.length > 0 && <li className="diff-removed">{t("diff.removed", { ids: s.nodes_removed.join(", ") })}</li>}
      {s.nodes_changed.map((c) => (
        <li key={c.id} className="diff-changed">{t("diff.changed", { id: c.id, paths: c.paths.join(", ") })}</li>
      ))}
      {(s.edges_added.length > 0 || s.edges_removed.length > 0) &&
        <li>{t("diff.edges", { added: s.edges_added.length, removed: s.edges_removed.length })}</li>}
      {s.trigger_changed && <li className="diff-changed">{t("diff.trigger")}</li>}
      {s.kind_changed && <li className="diff-changed">{t("diff.kind")}</li>}
    </ul>
  );
}

export function DiffView({ diff, before, after }: { diff: Diff; before: FlowDocument; after: FlowDocument }) {
  const t = useT();
  const { marks, edgeMarks, extra } = useMemo(() => diffMarks(diff, before), [diff, before]);
  return (
    <div className="diff-view" data-testid="diff-view">
      {diff.identical
        ? <p className="badge-line">{t("diff.identical")}</p>
        : diff.layout_only && <p className="badge-line layout-only" data-testid="layout-only">{t("diff.layoutOnly")}</p>}
      <Summary diff={diff} />
      <div className="diff-legend">
        <span className="diff-added">{t("diff.legendAdded")}</span>
        <span className="diff-changed">{t("diff.legendChanged")}</span>
        <span className="diff-removed">{t("diff.legendRemoved")}</span>
      </div>
      <FlowCanvas doc={after} extra={extra} marks={marks} edgeMarks={edgeMarks} testId="diff-canvas" />
      <TextDiff text={diff.text_diff} />
    </div>
  );
}
