// The editor's toolbar and keyboard shortcuts: undo/redo, copy/paste, delete, auto-layout, zoom to fit.
import { useReactFlow } from "@xyflow/react";
import { useEffect } from "react";
import { useT } from "../../i18n";
import { applyPositions, layoutPositions } from "./canvas/layout";
import { useEditor, useEditorStore } from "./EditorContext";

/** Keys typed into a field belong to the field, not to the canvas. */
function typingInField(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return Boolean(element?.closest("input, textarea, select, .cm-editor"));
}

export function useCanvasActions() {
  const store = useEditorStore();
  const flow = useReactFlow();
  return {
    undo: () => store.getState().undo(),
    redo: () => store.getState().redo(),
    copy: () => store.getState().copy(),
    paste: () => store.getState().paste(),
    remove: () => store.getState().deleteSelection(),
    fit: () => void flow.fitView({ padding: 0.2, duration: 200 }),
    layout: () => {
      const doc = store.getState().doc;
      if (!doc) return;
      layoutPositions(doc).then((positions) => {
        store.getState().commit(applyPositions(doc, positions));
        setTimeout(() => void flow.fitView({ padding: 0.2, duration: 200 }), 50);
      }, (e: Error) => store.getState().setNotice(e.message));
    },
  };
}

export function useShortcuts(enabled: boolean) {
  const actions = useCanvasActions();
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (typingInField(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      const run = (action: () => void) => { event.preventDefault(); action(); };
      if (mod && key === "z" && !event.shiftKey) run(actions.undo);
      else if (mod && (key === "y" || (key === "z" && event.shiftKey))) run(actions.redo);
      else if (mod && key === "c") run(actions.copy);
      else if (mod && key === "v") run(actions.paste);
      else if (key === "delete" || key === "backspace") run(actions.remove);
      else if (mod && key === "l") run(actions.layout);
      else if (!mod && key === "f") run(actions.fit);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled, actions]);
}

export function CanvasToolbar({ readOnly }: { readOnly: boolean }) {
  const t = useT();
  const actions = useCanvasActions();
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const hasSelection = useEditor((s) => s.selection.nodes.length + s.selection.edges.length > 0);
  useShortcuts(!readOnly);
  if (readOnly) return <div className="canvas-toolbar"><button type="button" onClick={actions.fit}>{t("editor.fit")}</button></div>;
  return (
    <div className="canvas-toolbar" role="toolbar">
      <button type="button" onClick={actions.undo} disabled={!canUndo} title="Ctrl+Z">{t("editor.undo")}</button>
      <button type="button" onClick={actions.redo} disabled={!canRedo} title="Ctrl+Shift+Z">{t("editor.redo")}</button>
      <button type="button" onClick={actions.copy} disabled={!hasSelection} title="Ctrl+C">{t("editor.copy")}</button>
      <button type="button" onClick={actions.paste} title="Ctrl+V">{t("editor.paste")}</button>
      <button type="button" onClick={actions.remove} disabled={!hasSelection} title="Delete">{t("editor.delete")}</button>
      <button type="button" onClick={actions.layout} title="Ctrl+L">{t("editor.layout")}</button>
      <button type="button" onClick={actions.fit} title="F">{t("editor.fit")}</button>
    </div>
  );
}
