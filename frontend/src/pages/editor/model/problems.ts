// Problems point at document paths ("nodes[2].config.sla"); the canvas needs the node and the field.
import type { Problem } from "../../../api/client";
import type { FlowDocument } from "../../../api/types";

export interface ProblemTarget {
  node: string | null;
  /** The path inside the node, e.g. "config.sla"; "" for the node itself. */
  field: string;
}

/** The node (by id) and field a problem is about; node is null for flow-level problems. */
export function problemTarget(doc: FlowDocument, path: string): ProblemTarget {
  const clean = path.replace(/^body\.document\.?/, "");
  const nodeMatch = /^nodes\[(\d+)\]\.?(.*)$/.exec(clean);
  if (nodeMatch) return { node: doc.nodes[Number(nodeMatch[1])]?.id ?? null, field: nodeMatch[2] };
  const edgeMatch = /^edges\[(\d+)\]/.exec(clean);
  if (edgeMatch) return { node: doc.edges[Number(edgeMatch[1])]?.from ?? null, field: "" };
  const portMatch = /^trigger\.start$/.exec(clean);
  if (portMatch && doc.trigger.start) return { node: null, field: "trigger.start" };
  return { node: null, field: clean };
}

/** How many errors and warnings each node has, for the badges on the canvas. */
export function problemCounts(doc: FlowDocument, problems: Problem[]): Record<string, { errors: number; warnings: number }> {
  const counts: Record<string, { errors: number; warnings: number }> = {};
  for (const problem of problems) {
    const { node } = problemTarget(doc, problem.path);
    if (!node) continue;
    const entry = (counts[node] ??= { errors: 0, warnings: 0 });
    if (problem.severity === "error") entry.errors += 1;
    else entry.warnings += 1;
  }
  return counts;
}
