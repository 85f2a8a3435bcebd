// The editor's one store: the document (the single source of truth), undo/redo history, selection,
// clipboard, the latest problems and the test-run path. Canvas, forms and text view change the document
// only through commit(), so every change is undoable and reaches validation and autosave.
import { create } from "zustand";
import type { Problem } from "../../../api/client";
import type { FlowDocument } from "../../../api/types";
import { copyNodes, pasteNodes, removeEdges, removeNodes, type Clip } from "./document";

const HISTORY_LIMIT = 200;

/** Where a change came from: the text view must not be rewritten under the user's cursor. */
export type Origin = "canvas" | "text" | "server";

export interface Selection {
  nodes: string[];
  edges: string[];
}

export interface EditorState {
  doc: FlowDocument | null;
  origin: Origin;
  revision: number;
  past: FlowDocument[];
  future: FlowDocument[];
  selection: Selection;
  focusField: string | null;
  clipboard: Clip | null;
  problems: Problem[];
  highlight: string[];
  notice: string | null;
  load: (doc: FlowDocument) => void;
  commit: (doc: FlowDocument, origin?: Origin) => void;
  undo: () => void;
  redo: () => void;
  select: (selection: Selection, focusField?: string | null) => void;
  copy: () => void;
  paste: () => void;
  deleteSelection: () => void;
  setProblems: (problems: Problem[]) => void;
  setHighlight: (nodes: string[]) => void;
  setNotice: (notice: string | null) => void;
}

const nothing: Selection = { nodes: [], edges: [] };

export const createEditorStore = () =>
  create<EditorState>((set, get) => ({
    doc: null,
    origin: "server",
    revision: 0,
    past: [],
    future: [],
    selection: nothing,
    focusField: null,
    clipboard: null,
    problems: [],
    highlight: [],
    notice: null,
    load: (doc) => set({ doc, origin: "server", past: [], future: [], selection: nothing, revision: get().revision + 1 }),
    commit: (doc, origin = "canvas") => {
      const current = get().doc;
      if (!current || doc === current) return;
      set({ doc, origin, past: [...get().past, current].slice(-HISTORY_LIMIT), future: [], revision: get().revision + 1 });
    },
    undo: () => {
      const { past, doc, future } = get();
      if (!past.length || !doc) return;
      set({ doc: past[past.length - 1], past: past.slice(0, -1), future: [doc, ...future], origin: "canvas",
        revision: get().revision + 1 });
    },
    redo: () => {
      const { past, doc, future } = get();
      if (!future.length || !doc) return;
      set({ doc: future[0], past: [...past, doc], future: future.slice(1), origin: "canvas", revision: get().revision + 1 });
    },
    select: (selection, focusField = null) => set({ selection, focusField }),
    copy: () => {
      const { doc, selection } = get();
      if (doc && selection.nodes.length) set({ clipboard: copyNodes(doc, selection.nodes) });
    },
    paste: () => {
      const { doc, clipboard } = get();
      if (!doc || !clipboard?.nodes.length) return;
      const [next, ids] = pasteNodes(doc, clipboard);
      get().commit(next);
      set({ selection: { nodes: ids, edges: [] } });
    },
    deleteSelection: () => {
      const { doc, selection } = get();
      if (!doc || (!selection.nodes.length && !selection.edges.length)) return;
      get().commit(removeNodes(removeEdges(doc, selection.edges), selection.nodes));
      set({ selection: nothing });
    },
    setProblems: (problems) => set({ problems }),
    setHighlight: (highlight) => set({ highlight }),
    setNotice: (notice) => set({ notice }),
  }));

export type EditorStore = ReturnType<typeof createEditorStore>;
