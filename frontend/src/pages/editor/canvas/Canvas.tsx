// The canvas: React Flow over the store's document. Drops from the palette add nodes, drawing from a port
// connects (or says why not), drags move nodes (one undo step per drag), selection feeds the property panel.
import {
  Background, Controls, MiniMap, ReactFlow, useReactFlow, type Connection, type EdgeChange, type NodeChange,
} from "@xyflow/react";
import { useMemo, useState, type DragEvent } from "react";
import { useCatalog } from "../../../catalog/catalog";
import { pick, useLang, useT } from "../../../i18n";
import { useEditor, useEditorStore } from "../EditorContext";
import { connectionRefusal } from "../model/connections";
import { addNode, connect, moveNode, type Position } from "../model/document";
import { toCanvasEdges, toCanvasNodes } from "../model/flowView";
import { NodeView } from "./NodeView";

export const NODE_DRAG_TYPE = "application/x-orderloom-node-type";
const nodeTypes = { flowNode: NodeView };

/** What React Flow reports while the user works that is not part of the document: live drag positions
 * (committed once when the drag ends) and measured sizes. */
function useTransientNodeState() {
  const [dragging, setDragging] = useState<Record<string, Position>>({});
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  return { dragging, setDragging, measured, setMeasured };
}

export function Canvas({ readOnly }: { readOnly: boolean }) {
  const store = useEditorStore();
  const lang = useLang();
  const t = useT();
  const { byName } = useCatalog();
  const doc = useEditor((s) => s.doc)!;
  const problems = useEditor((s) => s.problems);
  const selection = useEditor((s) => s.selection);
  const highlight = useEditor((s) => s.highlight);
  const { dragging, setDragging, measured, setMeasured } = useTransientNodeState();
  const flow = useReactFlow();

  const input = { doc, byName, problems, selection, highlight, portLabel: (p: { label_zh: string; label_en: string }) => pick(lang, p.label_zh, p.label_en) };
  const nodes = useMemo(
    () => toCanvasNodes(input).map((n) => ({ ...n, position: dragging[n.id] ?? n.position, measured: measured[n.id] })),
    [doc, byName, problems, selection, highlight, dragging, measured],
  );
  const edges = useMemo(() => toCanvasEdges(input),
    [doc, byName, selection, highlight, lang]);

  function onNodesChange(changes: NodeChange[]) {
    let next = store.getState().doc!;
    const live = { ...dragging };
    const sizes = { ...measured };
    const current = store.getState().selection; // React Flow reports node and edge selection in separate calls
    const selected = new Set(current.nodes);
    let selectionChanged = false;
    for (const change of changes) {
      if (change.type === "position") {
        const position = change.position ?? live[change.id];
        if (change.dragging && change.position) live[change.id] = change.position;
        else if (position) {
          next = moveNode(next, change.id, position);
          delete live[change.id];
        }
      } else if (change.type === "dimensions" && change.dimensions) {
        sizes[change.id] = change.dimensions;
      } else if (change.type === "select") {
        selectionChanged = true;
        if (change.selected) selected.add(change.id);
        else selected.delete(change.id);
      }
    }
    if (changes.some((c) => c.type === "position")) setDragging(live);
    if (changes.some((c) => c.type === "dimensions")) setMeasured(sizes);
    store.getState().commit(next);
    if (selectionChanged) store.getState().select({ nodes: [...selected], edges: current.edges });
  }

  function onEdgesChange(changes: EdgeChange[]) {
    const current = store.getState().selection;
    const chosen = new Set(current.edges);
    let changed = false;
    for (const change of changes) {
      if (change.type !== "select") continue;
      changed = true;
      if (change.selected) chosen.add(change.id);
      else chosen.delete(change.id);
    }
    if (changed) store.getState().select({ nodes: current.nodes, edges: [...chosen] });
  }

  function onConnect(connection: Connection) {
    const port = connection.sourceHandle ?? "";
    const current = store.getState().doc!;
    const refusal = connectionRefusal(current, byName, connection.source, port, connection.target);
    if (refusal) {
      store.getState().setNotice(t(refusal.key, refusal.params));
      return;
    }
    store.getState().setNotice(null);
    store.getState().commit(connect(current, { from: connection.source, port, to: connection.target }));
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    const typeName = event.dataTransfer.getData(NODE_DRAG_TYPE);
    const nodeType = byName[typeName];
    if (!nodeType) return;
    const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    const [next, id] = addNode(store.getState().doc!, nodeType, position, pick(lang, nodeType.label_zh, nodeType.label_en));
    store.getState().commit(next);
    store.getState().select({ nodes: [id], edges: [] });
  }

  return (
    <div className="canvas" data-testid="canvas" onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = "move"; }}
      onDrop={readOnly ? undefined : onDrop}>
      <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} onNodesChange={onNodesChange}
        nodesDraggable={!readOnly} nodesConnectable={!readOnly}
        onEdgesChange={onEdgesChange} onConnect={onConnect} deleteKeyCode={null} fitView fitViewOptions={{ maxZoom: 1 }} minZoom={0.2}
        onPaneClick={() => store.getState().select({ nodes: [], edges: [] })} proOptions={{ hideAttribution: true }}>
        <Background />
        <MiniMap pannable zoomable />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
