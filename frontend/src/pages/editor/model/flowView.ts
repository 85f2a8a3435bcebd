// Pure conversion from the flow document to what React Flow draws (nodes with ports, edges labelled by port).
import type { Edge, Node } from "@xyflow/react";
import type { Problem } from "../../../api/client";
import type { FlowDocument } from "../../../api/types";
import { portsOf } from "../../../catalog/catalog";
import type { NodeType, Port } from "../../../catalog/types";
import { edgeId } from "./document";
import { problemCounts } from "./problems";

export interface FlowNodeData extends Record<string, unknown> {
  nodeType: NodeType | undefined;
  typeName: string;
  label: string;
  ports: Port[];
  isStart: boolean;
  errors: number;
  warnings: number;
  onPath: boolean;
}

export type CanvasNode = Node<FlowNodeData, "flowNode">;

export interface ViewInput {
  doc: FlowDocument;
  byName: Record<string, NodeType>;
  problems: Problem[];
  selection: { nodes: string[]; edges: string[] };
  highlight: string[];
  portLabel: (port: Port) => string;
}

export function toCanvasNodes({ doc, byName, problems, selection, highlight }: ViewInput): CanvasNode[] {
  const counts = problemCounts(doc, problems);
  const onPath = new Set(highlight);
  return doc.nodes.map((node, i) => ({
    id: node.id,
    type: "flowNode",
    position: node.ui ?? { x: 80 + (i % 4) * 220, y: 80 + Math.floor(i / 4) * 140 },
    selected: selection.nodes.includes(node.id),
    data: {
      nodeType: byName[node.type],
      typeName: node.type,
      label: node.label || node.id,
      ports: portsOf(byName[node.type], node.config),
      isStart: doc.trigger.start === node.id,
      errors: counts[node.id]?.errors ?? 0,
      warnings: counts[node.id]?.warnings ?? 0,
      onPath: onPath.has(node.id),
    },
  }));
}

export function toCanvasEdges({ doc, byName, selection, highlight, portLabel }: ViewInput): Edge[] {
  const onPath = new Set(highlight);
  return doc.edges.map((edge) => {
    const source = doc.nodes.find((n) => n.id === edge.from);
    const port = portsOf(byName[source?.type ?? ""], source?.config ?? {}).find((p) => p.name === edge.port);
    const id = edgeId(edge);
    const highlighted = onPath.has(edge.from) && onPath.has(edge.to);
    return {
      id,
      source: edge.from,
      sourceHandle: edge.port,
      target: edge.to,
      label: port ? portLabel(port) : edge.port,
      selected: selection.edges.includes(id),
      className: highlighted ? "on-path" : undefined,
      animated: highlighted,
    };
  });
}
