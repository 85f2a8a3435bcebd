// The catalog store: node types and the order model, loaded once per page load.
import { create } from "zustand";
import { api } from "../api/client";
import type { JsonSchema, NodeType, Port } from "./types";

interface CatalogState {
  types: NodeType[];
  byName: Record<string, NodeType>;
  orderModel: JsonSchema | null;
  loaded: boolean;
  load: () => Promise<void>;
}

export function indexTypes(types: NodeType[]): Record<string, NodeType> {
  return Object.fromEntries(types.map((t) => [t.name, t]));
}

export const useCatalog = create<CatalogState>((set, get) => ({
  types: [],
  byName: {},
  orderModel: null,
  loaded: false,
  load: async () => {
    if (get().loaded) return;
    const [catalog, orderModel] = await Promise.all([
      api.get<{ node_types: NodeType[] }>("/api/node-types"),
      api.get<JsonSchema>("/api/schemas/order-model"),
    ]);
    set({ types: catalog.node_types, byName: indexTypes(catalog.node_types), orderModel, loaded: true });
  },
}));

/** The exits of a node: the type's fixed ports plus those its config declares (switch cases, branches...). */
export function portsOf(nodeType: NodeType | undefined, config: Record<string, unknown>): Port[] {
  if (!nodeType) return [];
  const dynamic = nodeType.dynamic_ports;
  const items = dynamic && Array.isArray(config[dynamic.list_key]) ? (config[dynamic.list_key] as unknown[]) : [];
  const declared: Port[] = [];
  for (const item of items) {
    const name = dynamic?.item_key ? (item as Record<string, unknown> | null)?.[dynamic.item_key] : item;
    if (typeof name !== "string" || !name) continue;
    const label = dynamic?.item_key ? (item as Record<string, unknown>).label : undefined;
    const text = typeof label === "string" && label ? label : name;
    declared.push({ name, label_zh: text, label_en: text, optional: false });
  }
  const fixed = nodeType.ports.filter((p) => !declared.some((d) => d.name === p.name));
  return [...declared, ...fixed];
}

/** The glyph shown for each palette category (node types carry finer icon names for later use). */
export const CATEGORY_ICONS: Record<string, string> = {
  logic: "◇",
  order: "▣",
  people: "☺",
  time_structure: "◷",
  outside: "⇄",
};
