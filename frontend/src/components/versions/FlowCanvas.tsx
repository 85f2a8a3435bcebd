// A read-only canvas of a flow document, drawn like the editor's (its node view and conversion), with
// per-node marks: the diff colours (added / removed / changed) or the heatmap's counts.
import { ReactFlow, ReactFlowProvider, Background, Controls, type Edge, type NodeProps } from "@xyflow/react";
import { useEffect, useMemo } from "react";
import type { FlowDocument } from "../../api/types";
import { useCatalog } from "../../catalog/catalog";
import { pick, useLang } from "../../i18n";
import { NodeView } from "../../pages/editor/canvas/NodeView";
import { toCanvasEdges, toCanvasNodes, type CanvasNode } from "../../pages/editor/model/flowView";
import "./versions.css";

export interface NodeMark {
  className?: string;
  badge?: string;
}

export interface EdgeMark {
  className?: string;
  label?: string;
}

type MarkedNode = CanvasNode & { data: CanvasNode["data"] & { mark?: NodeMark } };

function MarkedNodeView(props: NodeProps<MarkedNode>) {
  const mark = props.data.mark;
  return (
    <div className={`marked-node ${mark?.className ?? ""}`} data-testid={`marked-${props.id}`}>
      {mark?.badge !== undefined && <span className="node-mark-badge" data-testid={`count-${props.id}`}>{mark.badge}</span>}
      <NodeView {...props} />
    </div>
  );
}

const nodeTypes = { flowNode: MarkedNodeView };
const NO_SELECTION = { nodes: [], edges: [] };

/** `edgeKey` of an edge as the heatmap names it: "from|port|to". */
export const edgeKey = (e: Edge) => `${e.source}|${e.sourceHandle}|${e.target}`;

export function FlowCanvas({ doc, marks = {}, edgeMarks = {}, extra, testId }: {
  doc: FlowDocument;
  marks?: Record<string, NodeMark>;
  edgeMarks?: Record<string, EdgeMark>;
  /** nodes and edges drawn besides the document's (a diff's removed ones) */
  extra?: FlowDocument;
  testId?: string;
}) {
  const lang = useLang();
  const { byName, load, loaded } = useCatalog();
  useEffect(() => {
    void load();
  }, [load]);
  const { nodes, edges } = useMemo(() => {
    const input = (d: FlowDocument) => ({ doc: d, byName, problems: [], selection: NO_SELECTION, highlight: [],
      portLabel: (p: { label_zh: string; label_en: string }) => pick(lang, p.label_zh, p.label_en) });
    const docs = extra ? [doc, extra] : [doc];
    const allNodes = docs.flatMap((d) => toCanvasNodes(input(d)))
      .map((n) => ({ ...n, draggable: false, data: { ...n.data, mark: marks[n.id] } }));
    const allEdges = docs.flatMap((d) => toCanvasEdges(input(d))).map((e) => {
      const mark = edgeMarks[edgeKey(e)];
      return mark ? { ...e, className: mark.className, label: mark.label ?? e.label } : e;
    });
    return { nodes: allNodes, edges: allEdges };
  }, [doc, extra, byName, lang, marks, edgeMarks]);
  if (!loaded) return null;
  return (
    <div className="readonly-canvas" data-testid={testId}>
      <ReactFlowProvider>
        <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} nodesDraggable={false} nodesConnectable={false}
          elementsSelectable={false} fitView fitViewOptions={{ maxZoom: 1 }} minZoom={0.2} proOptions={{ hideAttribution: true }}>
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
