// Pure changes to a flow document: every canvas, form and clipboard action is one of these, so undo is
// just the previous document and the text view, validation and autosave all read the same value.
import type { FlowDocument, FlowEdge, FlowNode } from "../../../api/types";
import type { JsonSchema, NodeType } from "../../../catalog/types";

export interface Position {
  x: number;
  y: number;
}

/** A node id not used yet in the document, from its type name: approval, approval_2, ... */
export function freshId(doc: FlowDocument, base: string): string {
  const taken = new Set(doc.nodes.map((n) => n.id));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** The config a new node starts with: only the defaults its schema declares. */
export function defaultConfig(schema: JsonSchema): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    if (field.default !== undefined && (schema.required ?? []).includes(name)) config[name] = field.default;
  }
  return config;
}

const round = (p: Position): Position => ({ x: Math.round(p.x), y: Math.round(p.y) });

/** Add a node of nodeType at position; the first node of an empty flow becomes its start. */
export function addNode(doc: FlowDocument, nodeType: NodeType, position: Position, label: string): [FlowDocument, string] {
  const id = freshId(doc, nodeType.name);
  const node: FlowNode = { id, type: nodeType.name, label, config: defaultConfig(nodeType.config_schema), ui: round(position) };
  const trigger = doc.trigger.start ? doc.trigger : { ...doc.trigger, start: id };
  return [{ ...doc, trigger, nodes: [...doc.nodes, node] }, id];
}

/** Put a node at position; the same document when it is already there (no empty undo steps). */
export function moveNode(doc: FlowDocument, id: string, position: Position): FlowDocument {
  const to = round(position);
  const node = doc.nodes.find((n) => n.id === id);
  if (!node || (node.ui?.x === to.x && node.ui?.y === to.y)) return doc;
  return mapNode(doc, id, (n) => ({ ...n, ui: to }));
}

export function mapNode(doc: FlowDocument, id: string, change: (node: FlowNode) => FlowNode): FlowDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? change(n) : n)) };
}

export function setConfig(doc: FlowDocument, id: string, config: Record<string, unknown>): FlowDocument {
  return mapNode(doc, id, (n) => ({ ...n, config }));
}

/** Rename a node, carrying its edges and the start with it. */
export function renameNode(doc: FlowDocument, id: string, newId: string): FlowDocument {
  if (id === newId || doc.nodes.some((n) => n.id === newId)) return doc;
  const swap = (value: string) => (value === id ? newId : value);
  return {
    ...doc,
    trigger: doc.trigger.start === id ? { ...doc.trigger, start: newId } : doc.trigger,
    nodes: doc.nodes.map((n) => (n.id === id ? { ...n, id: newId } : n)),
    edges: doc.edges.map((e) => ({ ...e, from: swap(e.from), to: swap(e.to) })),
  };
}

/** Remove nodes and every edge touching them; a removed start is cleared. */
export function removeNodes(doc: FlowDocument, ids: string[]): FlowDocument {
  const gone = new Set(ids);
  const trigger = doc.trigger.start && gone.has(doc.trigger.start) ? withoutStart(doc.trigger) : doc.trigger;
  return {
    ...doc,
    trigger,
    nodes: doc.nodes.filter((n) => !gone.has(n.id)),
    edges: doc.edges.filter((e) => !gone.has(e.from) && !gone.has(e.to)),
  };
}

function withoutStart(trigger: FlowDocument["trigger"]): FlowDocument["trigger"] {
  const rest = { ...trigger };
  delete rest.start;
  return rest;
}

export const edgeId = (edge: FlowEdge) => `${edge.from}.${edge.port}->${edge.to}`;

export function connect(doc: FlowDocument, edge: FlowEdge): FlowDocument {
  return { ...doc, edges: [...doc.edges, edge] };
}

export function removeEdges(doc: FlowDocument, ids: string[]): FlowDocument {
  const gone = new Set(ids);
  return { ...doc, edges: doc.edges.filter((e) => !gone.has(edgeId(e))) };
}

export function setStart(doc: FlowDocument, id: string): FlowDocument {
  return { ...doc, trigger: { ...doc.trigger, start: id } };
}

export interface Clip {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** The selected nodes and the edges between them, for the clipboard. */
export function copyNodes(doc: FlowDocument, ids: string[]): Clip {
  const chosen = new Set(ids);
  return {
    nodes: doc.nodes.filter((n) => chosen.has(n.id)),
    edges: doc.edges.filter((e) => chosen.has(e.from) && chosen.has(e.to)),
  };
}

/** Paste a clip with fresh ids, shifted so it does not cover the originals; returns the new ids. */
export function pasteNodes(doc: FlowDocument, clip: Clip, shift = 40): [FlowDocument, string[]] {
  let next = doc;
  const ids = new Map<string, string>();
  for (const node of clip.nodes) {
    const id = freshId(next, node.id.replace(/_\d+$/, ""));
    ids.set(node.id, id);
    const ui = node.ui ? { x: node.ui.x + shift, y: node.ui.y + shift } : undefined;
    next = { ...next, nodes: [...next.nodes, { ...structuredClone(node), id, ui }] };
  }
  const edges = clip.edges.map((e) => ({ ...e, from: ids.get(e.from)!, to: ids.get(e.to)! }));
  return [{ ...next, edges: [...next.edges, ...edges] }, [...ids.values()]];
}

/** A blank flow document (what the editor shows before the draft loads from the server). */
export function blankDocument(key: string, name: string, kind: FlowDocument["kind"]): FlowDocument {
  return { format: "orderloom.flow/1", key, name, kind, trigger: {}, nodes: [], edges: [] };
}
