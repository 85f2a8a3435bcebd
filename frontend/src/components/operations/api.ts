// The runtime's operations endpoints (docs/api.md): orders, timeline, tasks, instances and master data.
import { api, request } from "../../api/client";

type Open = Record<string, unknown>;

export interface OrderSummary extends Open {
  id: number;
  channel: string;
  channel_order_no: string;
  status: string;
  stage: string;
  total: string;
  currency: string;
  province?: string;
  city?: string;
  region?: string;
  tags: string[];
  hold_reason: string | null;
  routed_warehouses: string[];
  paid_at?: string | null;
  updated_at?: string | null;
}

export interface Step extends Open {
  seq: number;
  node: string;
  type: string;
  label?: string | null;
  port?: string | null;
  status: string;
  started?: string | null;
  ended?: string | null;
  actor?: string | null;
  explanation?: unknown;
}

export interface Instance extends Open {
  id: number;
  flow: string;
  flow_name?: string;
  version: number;
  status: string;
  outcome?: string | null;
  error?: unknown;
  waiting?: unknown[];
  steps: Step[];
}

export interface Stage extends Open {
  stage: string;
  round: number;
  key: string;
  status: string;
  started_at?: string | null;
  ended_at?: string | null;
  instances: Instance[];
}

export interface StatusChange {
  from: string | null;
  to: string;
  reason?: string | null;
  actor?: string | null;
  at?: string | null;
}

export interface FormField {
  name: string;
  label_zh?: string;
  label_en?: string;
  type: string;
  required?: boolean;
  options?: unknown[];
}

export interface Task extends Open {
  id: number;
  order_id: number;
  instance_id: number;
  node: string;
  flow?: string | null;
  title?: string;
  group: string;
  assignee: string | null;
  status: "open" | "claimed" | "decided" | "cancelled";
  form: FormField[];
  decision: { decision: string; form?: Open } | null;
  decided_by: string | null;
  decided_at: string | null;
  sla_due_at: string | null;
  escalated_to?: string | null;
  created_at?: string | null;
  order?: { channel?: string; channel_order_no?: string; total?: string; status?: string } | null;
}

export interface Timeline {
  order: OrderSummary;
  stage: string;
  stages: Stage[];
  status_changes: StatusChange[];
  tasks: Task[];
}

export interface Warehouse extends Open {
  code: string;
  name: string;
  region: string;
  status: "open" | "closed";
  closed_reason: string | null;
  capacity_per_day: number;
  load: string;
  cold_chain: boolean;
  active_reservations: number;
}

export interface StockRow {
  sku: string;
  warehouse: string;
  available: number;
  reserved: number;
}

export interface Feed {
  key: string;
  values: { region: string; value: unknown; source: string | null; updated_at: string | null }[];
}

export interface OrderFilter {
  q?: string;
  channel?: string;
  status?: string;
  limit?: number;
  offset?: number;
}

const order = (id: number | string) => `/api/orders/${encodeURIComponent(String(id))}`;
const task = (id: number) => `/api/tasks/${id}`;

export const listOrders = (filter: OrderFilter) =>
  api.get<{ orders: OrderSummary[] }>("/api/orders", { query: { ...filter } }).then((a) => a.orders);
export const getOrder = (id: string) => api.get<OrderSummary & Open>(order(id));
export const getTimeline = (id: string) => api.get<Timeline>(`${order(id)}/timeline`);
export const releaseHold = (id: number, reason: string) => api.post(`${order(id)}/release-hold`, { reason });

export const cancelInstance = (id: number, reason: string) => api.post(`/api/instances/${id}/cancel`, { reason });
export const retryInstance = (id: number) => api.post(`/api/instances/${id}/retry`, {});

export const listTasks = (status: string) =>
  api.get<{ tasks: Task[] }>("/api/tasks", { query: { status } }).then((a) => a.tasks);
export const claimTask = (id: number) => api.post<Task>(`${task(id)}/claim`, {});
export const reassignTask = (id: number, group: string) => api.post<Task>(`${task(id)}/reassign`, { group });
export const decideTask = (id: number, decision: "approved" | "rejected", form: Open) =>
  api.post<Task>(`${task(id)}/decide`, { decision, form });
export const listGroups = () =>
  api.get<{ groups: { name: string }[] }>("/api/groups").then((a) => a.groups.map((g) => g.name));

export const listWarehouses = () =>
  api.get<{ warehouses: Warehouse[] }>("/api/warehouses").then((a) => a.warehouses);
export const closeWarehouse = (code: string, reason: string) =>
  api.post<{ warehouse: Warehouse; rerouted_orders: number[] }>(`/api/warehouses/${code}/close`, { reason });
export const openWarehouse = (code: string) =>
  api.post<{ warehouse: Warehouse; rerouted_orders: number[] }>(`/api/warehouses/${code}/open`, {});

export const listStock = (sku: string, warehouse: string) =>
  api.get<{ items: StockRow[]; total: number }>("/api/stock", { query: { sku, warehouse, limit: 50 } });
export const adjustStock = (body: { sku: string; warehouse: string; delta: number; reason: string }) =>
  api.post<StockRow>("/api/stock", body);

export const listFeeds = () => api.get<{ feeds: Feed[] }>("/api/context-feeds").then((a) => a.feeds);
export const putFeed = (key: string, region: string, value: unknown) =>
  request("PUT", `/api/context-feeds/${encodeURIComponent(key)}/${encodeURIComponent(region)}`, { body: { value } });
