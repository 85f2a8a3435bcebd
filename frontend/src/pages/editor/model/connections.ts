// Which connections the catalog allows: one predicate for the canvas, with the reason when it refuses.
import type { FlowDocument } from "../../../api/types";
import { portsOf } from "../../../catalog/catalog";
import type { NodeType } from "../../../catalog/types";
import type { MessageKey } from "../../../i18n";

export interface Refusal {
  key: MessageKey;
  params: Record<string, string>;
}

/** Why from.port -> to may not be drawn, or null when it may. */
export function connectionRefusal(doc: FlowDocument, byName: Record<string, NodeType>, from: string, port: string,
  to: string): Refusal | null {
  const source = doc.nodes.find((n) => n.id === from);
  const target = doc.nodes.find((n) => n.id === to);
  if (!source || !target) return { key: "connect.unknownNode", params: { id: source ? to : from } };
  const sourceType = byName[source.type];
  if (sourceType?.terminal) return { key: "connect.terminal", params: { id: from } };
  if (!portsOf(sourceType, source.config).some((p) => p.name === port)) {
    return { key: "connect.noSuchPort", params: { id: from, port } };
  }
  if (from === to) return { key: "connect.self", params: { id: from } };
  if (doc.edges.some((e) => e.from === from && e.port === port)) {
    return { key: "connect.portTaken", params: { id: from, port } };
  }
  if (loopWithoutWait(doc, byName, from, to)) return { key: "connect.loop", params: { id: to } };
  return null;
}

/** Would from -> to close a cycle in which no node waits (a person, a timer, an event)? */
function loopWithoutWait(doc: FlowDocument, byName: Record<string, NodeType>, from: string, to: string): boolean {
  const waits = (id: string) => byName[doc.nodes.find((n) => n.id === id)?.type ?? ""]?.waits ?? false;
  if (waits(from)) return false;
  const seen = new Set<string>();
  const stack = [to];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === from) return true;
    if (seen.has(id) || waits(id)) continue;
    seen.add(id);
    for (const e of doc.edges) if (e.from === id) stack.push(e.to);
  }
  return false;
}
