// Auto-layout with elkjs (layered, top to bottom): returns new positions, the caller commits them.
import type { FlowDocument } from "../../../api/types";
import type { Position } from "../model/document";

const NODE_WIDTH = 200;
const NODE_HEIGHT = 110;

export async function layoutPositions(doc: FlowDocument): Promise<Record<string, Position>> {
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js"); // loaded on first use: it is most of the bundle
  const graph = await new ELK().layout({
    id: "flow",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.spacing.nodeNode": "50",
      "elk.layered.spacing.nodeNodeBetweenLayers": "70",
    },
    children: doc.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: doc.edges.map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  });
  return Object.fromEntries((graph.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
}

export function applyPositions(doc: FlowDocument, positions: Record<string, Position>): FlowDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (positions[n.id] ? { ...n, ui: { x: Math.round(positions[n.id].x), y: Math.round(positions[n.id].y) } } : n)),
  };
}
