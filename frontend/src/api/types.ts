// Shapes of the API answers the UI reads (docs/api.md and the interfaces contract); open where the
// server may add fields.
import type { Problem } from "./client";

export type Role = "editor" | "reviewer" | "operator" | "admin";
export type FlowKind = "intake" | "approval" | "routing" | "return" | "subflow";
export const FLOW_KINDS: FlowKind[] = ["intake", "approval", "routing", "return", "subflow"];
export type VersionState = "draft" | "in_review" | "approved" | "published" | "retired" | "rejected";
export const VERSION_STATES: VersionState[] = ["draft", "in_review", "approved", "published", "retired", "rejected"];

export interface User {
  username: string;
  role: Role;
  groups: string[];
  display_name: string;
}

export interface LoginAnswer {
  user: User;
  csrf_token: string;
}

export interface VersionSummary {
  number: number;
  state: VersionState;
  content_hash?: string;
  behaviour_hash?: string;
  [extra: string]: unknown;
}

export interface FlowSummary {
  key: string;
  name: string;
  kind: FlowKind;
  description?: string | null;
  priority: number;
  active_version?: VersionSummary | null;
  latest_version?: VersionSummary | null;
  candidate?: VersionSummary | null;
  versions?: number | VersionSummary[];
  [extra: string]: unknown;
}

export interface Template {
  key: string;
  name: string;
  description: string;
  kind: FlowKind;
  file: string;
}

export interface FlowNode {
  id: string;
  type: string;
  label?: string;
  note?: string;
  config: Record<string, unknown>;
  ui?: { x: number; y: number };
}

export interface FlowEdge {
  from: string;
  port: string;
  to: string;
}

export interface FlowDocument {
  format: string;
  key: string;
  name: string;
  description?: string;
  kind: FlowKind;
  trigger: { start?: string; when?: string; [extra: string]: unknown };
  nodes: FlowNode[];
  edges: FlowEdge[];
  [extra: string]: unknown;
}

export interface Version extends VersionSummary {
  document: FlowDocument;
  dsl: string;
  problems: Problem[];
  created_by?: string | null;
  submitted_by?: string | null;
  reviewed_by?: string | null;
  review_comment?: string | null;
  based_on?: number | null;
}

export interface CreatedFlow {
  flow: FlowSummary;
  version: Version;
}

export interface ValidationAnswer {
  valid: boolean;
  problems: Problem[];
  document: FlowDocument | null;
  content_hash: string | null;
  behaviour_hash: string | null;
}
