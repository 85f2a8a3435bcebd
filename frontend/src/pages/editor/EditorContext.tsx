// Each editor page owns one store; components below it reach it through this context.
import { createContext, useContext } from "react";
import type { EditorState, EditorStore } from "./model/store";

export const EditorContext = createContext<EditorStore | null>(null);

export function useEditorStore(): EditorStore {
  const store = useContext(EditorContext);
  if (!store) throw new Error("useEditor outside an editor page");
  return store;
}

export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useEditorStore()(selector);
}
