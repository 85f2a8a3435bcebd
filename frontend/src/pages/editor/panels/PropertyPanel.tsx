// The right-hand panel: the selected node's id, label, note and its config form generated from the
// catalog; with nothing selected, the flow's own settings (name, description, trigger condition).
import { useEffect, useMemo, useRef } from "react";
import type { FlowDocument, FlowNode } from "../../../api/types";
import { useCatalog } from "../../../catalog/catalog";
import type { JsonSchema } from "../../../catalog/types";
import { pick, useLang, useT } from "../../../i18n";
import { useEditor, useEditorStore } from "../EditorContext";
import { completionsFor } from "../form/completionsFor";
import { FormContext, type FormContextValue, type Pickers } from "../form/context";
import { FieldView, ObjectFields } from "../form/SchemaForm";
import { mapNode, renameNode, setConfig, setStart } from "../model/document";
import { problemTarget } from "../model/problems";

const FLOW_SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    name: { type: "string", title: "Name", "x-title-zh": "流程名称", maxLength: 200 },
    description: { type: "string", title: "Description", "x-title-zh": "说明", "x-ui": "textarea", maxLength: 2000 },
  },
};
const WHEN_SCHEMA: JsonSchema = { type: "string", "x-expression": "boolean", title: "Trigger condition", "x-title-zh": "触发条件" };
const ID_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

function useFormContext(node: FlowNode | null, pickers: Pickers, readOnly: boolean): FormContextValue {
  const lang = useLang();
  const t = useT();
  const doc = useEditor((s) => s.doc)!;
  const problems = useEditor((s) => s.problems);
  const orderModel = useCatalog((s) => s.orderModel);
  return useMemo(() => ({
    lang, t, pickers, orderModel, readOnly,
    config: node?.config ?? {},
    problemsAt: (path: string) => problems.filter((p) => {
      const target = problemTarget(doc, p.path);
      return target.node === (node?.id ?? null) && target.field === path;
    }),
    fields: (bindings?: Record<string, string>) => completionsFor(orderModel, bindings),
  }), [lang, t, pickers, orderModel, readOnly, node, doc, problems]);
}

/** Scroll to and focus the field a problem-list click asked for. */
function useFocusField(panel: React.RefObject<HTMLDivElement | null>) {
  const focusField = useEditor((s) => s.focusField);
  const selection = useEditor((s) => s.selection);
  useEffect(() => {
    if (!focusField || !panel.current) return;
    const field = panel.current.querySelector<HTMLElement>(`[data-field="${CSS.escape(focusField)}"]`);
    if (!field) return;
    field.scrollIntoView({ block: "center" });
    field.classList.add("flash");
    field.querySelector<HTMLElement>("input, select, textarea, .cm-content")?.focus();
    const timer = setTimeout(() => field.classList.remove("flash"), 1500);
    return () => clearTimeout(timer);
  }, [focusField, selection, panel]);
}

/** Problems about the node as a whole (unconnected exits, unreachable...), shown above its form. */
function NodeProblems({ node, doc }: { node: FlowNode; doc: FlowDocument }) {
  const lang = useLang();
  const problems = useEditor((s) => s.problems).filter((p) => {
    const target = problemTarget(doc, p.path);
    return target.node === node.id && (target.field === "" || target.field === "config");
  });
  if (!problems.length) return null;
  return (
    <ul className="field-errors" data-field="">
      {problems.map((p, i) => <li key={i} className={p.severity}>{pick(lang, p.message_zh, p.message_en)}</li>)}
    </ul>
  );
}

function NodeHeader({ node, doc }: { node: FlowNode; doc: FlowDocument }) {
  const t = useT();
  const lang = useLang();
  const store = useEditorStore();
  const nodeType = useCatalog((s) => s.byName[node.type]);
  const commit = (next: FlowDocument) => store.getState().commit(next);
  return (
    <div className="node-header">
      <h2>{nodeType ? pick(lang, nodeType.label_zh, nodeType.label_en) : node.type}</h2>
      {nodeType && <p className="muted">{pick(lang, nodeType.description_zh, nodeType.description_en)}</p>}
      <div className="field" data-field="id">
        <label htmlFor="node-id">{t("editor.nodeId")}</label>
        <input id="node-id" key={node.id} defaultValue={node.id} onBlur={(e) => {
          const next = e.target.value.trim();
          if (ID_PATTERN.test(next)) {
            commit(renameNode(doc, node.id, next));
            store.getState().select({ nodes: [next], edges: [] });
          } else e.target.value = node.id;
        }} />
      </div>
      <div className="field" data-field="label">
        <label htmlFor="node-label">{t("editor.nodeLabel")}</label>
        <input id="node-label" value={node.label ?? ""} onChange={(e) => commit(mapNode(doc, node.id, (n) => ({ ...n, label: e.target.value })))} />
      </div>
      <NodeProblems node={node} doc={doc} />
      {doc.trigger.start === node.id
        ? <p className="muted">{t("editor.isStart")}</p>
        : <button type="button" onClick={() => commit(setStart(doc, node.id))}>{t("editor.makeStart")}</button>}
    </div>
  );
}

export function PropertyPanel({ pickers, readOnly }: { pickers: Pickers; readOnly: boolean }) {
  const t = useT();
  const store = useEditorStore();
  const doc = useEditor((s) => s.doc)!;
  const selection = useEditor((s) => s.selection);
  const node = selection.nodes.length === 1 ? doc.nodes.find((n) => n.id === selection.nodes[0]) ?? null : null;
  const nodeType = useCatalog((s) => (node ? s.byName[node.type] : undefined));
  const context = useFormContext(node, pickers, readOnly);
  const panel = useRef<HTMLDivElement>(null);
  useFocusField(panel);
  const commit = (next: FlowDocument) => store.getState().commit(next);

  if (!node) {
    return (
      <div className="property-panel" ref={panel} data-testid="property-panel">
        <FormContext.Provider value={context}>
          <fieldset className="plain" disabled={readOnly}>
          <h2>{t("editor.flowSettings")}</h2>
          <ObjectFields path="" schema={FLOW_SCHEMA} value={{ name: doc.name, description: doc.description }}
            onChange={(v) => commit({ ...doc, ...(v as object), name: String((v as Record<string, unknown>)?.name ?? "") })} />
          <FieldView name="when" path="trigger.when" schema={WHEN_SCHEMA} value={doc.trigger.when}
            onChange={(when) => commit({ ...doc, trigger: { ...doc.trigger, when: when as string | undefined } })} />
          </fieldset>
        </FormContext.Provider>
      </div>
    );
  }
  return (
    <div className="property-panel" ref={panel} data-testid="property-panel">
      <FormContext.Provider value={context}>
        <fieldset className="plain" disabled={readOnly}>
        <NodeHeader node={node} doc={doc} />
        {nodeType && <ObjectFields path="config" schema={nodeType.config_schema} value={node.config}
          onChange={(config) => commit(setConfig(doc, node.id, (config ?? {}) as Record<string, unknown>))} />}
        </fieldset>
      </FormContext.Provider>
    </div>
  );
}
