// Versions, review, release, audit, impact previews and the heatmap (interfaces contract; previews and
// monitoring from the issue-6 API). Shapes are open: the server may add fields.
import { api, request } from "../../api/client";
import type { Version, VersionSummary } from "../../api/types";

type Open = Record<string, unknown>;

export interface VersionRow extends VersionSummary {
  based_on?: number | null;
  created_by?: string | null;
  created_at?: string | null;
  submitted_by?: string | null;
  reviewed_by?: string | null;
  published_at?: string | null;
}

export interface Review extends VersionRow {
  key: string;
  name: string;
  kind: string;
  submitted_at?: string | null;
}

export interface Diff {
  structural: {
    nodes_added: string[];
    nodes_removed: string[];
    nodes_changed: { id: string; paths: string[] }[];
    edges_added: unknown[];
    edges_removed: unknown[];
    trigger_changed: boolean;
    kind_changed: boolean;
    [extra: string]: unknown;
  };
  text_diff: string;
  layout_only: boolean;
  identical?: boolean;
}

export interface ServingVersion extends Open {
  number: number;
  published_at?: string | null;
  published_by?: string | null;
}

export interface Release {
  active: ServingVersion | null;
  candidate: (ServingVersion & { percent: number | null; segment: string | null }) | null;
  auto_rollback: Open;
  history: { at: string; actor: string | null; action: string; version: number | null; previous_version?: number | null;
    percent?: number | null; segment?: string | null; reason?: string | null }[];
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  target_type: string;
  target_id: string;
  outcome: string;
  comment: string | null;
  count?: number;
}

export interface PreviewProgress {
  done: number;
  total: number;
  ratio: number;
}

export interface Preview {
  id: number;
  flow: string;
  version: number;
  baseline_version: number | null;
  status: "queued" | "running" | "done" | "failed";
  progress: PreviewProgress;
  error?: { message?: string } | null;
  created_by?: string | null;
  created_at?: string | null;
  report?: PreviewReport | null;
}

export interface OutcomeCount {
  status: string;
  outcome: string | null;
  node: string | null;
  port: string | null;
  count: number;
}

export interface ChangedOrder {
  order_id: number;
  url: string;
  kinds: string[];
  baseline: Open;
  proposed: Open;
}

export interface PreviewReport extends Open {
  orders: number;
  changed: number;
  unchanged: number;
  outcomes: { baseline: OutcomeCount[]; proposed: OutcomeCount[] };
  changes: Record<string, { count: number }>;
  changed_orders: ChangedOrder[];
  changed_orders_truncated?: boolean;
  routing?: Record<string, { moved: number; shifts: { from: string | null; to: string | null; count: number }[] }>;
}

export interface Heatmap {
  nodes: Record<string, number>;
  edges: Record<string, number>;
}

const flowPath = (key: string) => `/api/flows/${encodeURIComponent(key)}`;
const versionPath = (key: string, n: number) => `${flowPath(key)}/versions/${n}`;

export const listReviews = () => api.get<{ reviews: Review[] }>("/api/reviews").then((a) => a.reviews);
export const listVersions = (key: string) =>
  api.get<{ versions: VersionRow[] }>(`${flowPath(key)}/versions`).then((a) => a.versions);
export const getVersion = (key: string, n: number) => api.get<Version>(versionPath(key, n));
export const getDiff = (key: string, from: number, to: number) =>
  api.get<Diff>(`${flowPath(key)}/diff`, { query: { from, to } });
export const reviewVersion = (key: string, n: number, decision: "approve" | "reject", comment: string) =>
  api.post<Version>(`${versionPath(key, n)}/review`, { decision, comment });

export interface PublishRequest {
  mode: "active" | "candidate";
  percent?: number;
  segment?: string;
}

export const publishVersion = (key: string, n: number, body: PublishRequest) =>
  api.post<Release>(`${versionPath(key, n)}/publish`, body);
export const retireVersion = (key: string, n: number) => api.post(`${versionPath(key, n)}/retire`);
export const getRelease = (key: string) => api.get<Release>(`${flowPath(key)}/release`);
export const setCandidateShare = (key: string, share: { percent?: number; segment?: string }) =>
  request<Release>("PUT", `${flowPath(key)}/release/candidate`, { body: share }).then((r) => r.data);
export const promoteCandidate = (key: string) => api.post<Release>(`${flowPath(key)}/release/promote`);
export const rollback = (key: string, comment: string) =>
  api.post<Release>(`${flowPath(key)}/release/rollback`, { comment });

/** The flow's audit entries: its own and its release's (target id = key), and each version's (key/vN). */
export async function flowAudit(key: string, numbers: number[]): Promise<AuditEntry[]> {
  const targets = [key, ...numbers.map((n) => `${key}/v${n}`)];
  const pages = await Promise.all(targets.map((target_id) =>
    api.get<{ entries: AuditEntry[] }>("/api/audit", { query: { target_id, limit: 100 } })));
  const seen = new Map<number, AuditEntry>();
  for (const page of pages) for (const entry of page.entries) seen.set(entry.id, entry);
  return [...seen.values()].sort((a, b) => b.id - a.id);
}

export const askPreview = (key: string, n: number, limit: number) =>
  api.post<Preview>(`${versionPath(key, n)}/previews`, { limit });
export const listPreviews = (key: string, n: number) =>
  api.get<{ previews: Preview[] } | Preview[]>(`${versionPath(key, n)}/previews`)
    .then((a) => (Array.isArray(a) ? a : a.previews));
export const getPreview = (id: number) => api.get<Preview>(`/api/previews/${id}`);
export const getHeatmap = (key: string, n: number, since?: string) =>
  api.get<Heatmap>(`${versionPath(key, n)}/heatmap`, { query: { since } });

