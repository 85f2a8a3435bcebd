// Flows, versions and templates (the release engineer's endpoints, see the interfaces contract).
import { api, request } from "./client";
import type { CreatedFlow, FlowDocument, FlowKind, FlowSummary, Template, Version } from "./types";

export interface FlowFilter {
  kind?: string;
  state?: string;
  q?: string;
}

export const listFlows = (filter: FlowFilter) =>
  api.get<{ flows: FlowSummary[] }>("/api/flows", { query: { ...filter } }).then((a) => a.flows);

export const listTemplates = () =>
  api.get<Template[] | { templates: Template[] }>("/api/templates").then((a) => (Array.isArray(a) ? a : a.templates));

export interface NewFlow {
  key: string;
  name: string;
  kind: FlowKind;
  description?: string;
  template?: string;
}

export const createFlow = (body: NewFlow) => api.post<CreatedFlow>("/api/flows", body);

const versionPath = (key: string, n: number) => `/api/flows/${encodeURIComponent(key)}/versions/${n}`;

/** A version with its ETag, the base of the next autosave. */
export async function getVersion(key: string, n: number): Promise<{ version: Version; etag: string | null }> {
  const answer = await request<Version>("GET", versionPath(key, n));
  return { version: answer.data, etag: answer.etag };
}

export async function saveDraft(key: string, n: number, document: FlowDocument, etag: string | null,
  editingSession: string): Promise<{ version: Version; etag: string | null }> {
  const answer = await request<Version>("PUT", versionPath(key, n), {
    body: { document, editing_session: editingSession },
    ifMatch: etag,
  });
  return { version: answer.data, etag: answer.etag };
}

export const newDraftFrom = (key: string, basedOn: number) =>
  api.post<Version>(`/api/flows/${encodeURIComponent(key)}/versions`, { based_on: basedOn });

export const submitVersion = (key: string, n: number) => api.post<Version>(`${versionPath(key, n)}/submit`);
