import { describe, expect, it } from "vitest";
import { indexTypes } from "../../../catalog/catalog";
import { NODE_TYPES } from "../../../catalog/fixtures";
import { connectionRefusal } from "./connections";
import { addNode, blankDocument, connect, moveNode } from "./document";
import { createEditorStore } from "./store";

const byName = indexTypes(NODE_TYPES);

function editorWithApproval() {
  const store = createEditorStore();
  store.getState().load(blankDocument("s1", "S1", "approval"));
  const [withApproval] = addNode(store.getState().doc!, byName.approval, { x: 10, y: 20 }, "财务复核");
  store.getState().commit(withApproval);
  return store;
}

describe("undo and redo", () => {
  it("walks back and forth through every committed change", () => {
    const store = editorWithApproval();
    const [withEnd] = addNode(store.getState().doc!, byName.end, { x: 10, y: 200 }, "结束");
    store.getState().commit(withEnd);
    store.getState().commit(connect(store.getState().doc!, { from: "approval", port: "approved", to: "end" }));
    store.getState().commit(moveNode(store.getState().doc!, "end", { x: 300.4, y: 99.6 }));
    expect(store.getState().doc!.nodes[1].ui).toEqual({ x: 300, y: 100 });

    store.getState().undo();
    expect(store.getState().doc!.nodes[1].ui).toEqual({ x: 10, y: 200 });
    store.getState().undo();
    expect(store.getState().doc!.edges).toEqual([]);
    store.getState().undo();
    store.getState().undo();
    expect(store.getState().doc!.nodes).toEqual([]);
    store.getState().undo(); // nothing left to undo: no change
    expect(store.getState().doc!.nodes).toEqual([]);

    store.getState().redo();
    store.getState().redo();
    store.getState().redo();
    expect(store.getState().doc!.edges).toEqual([{ from: "approval", port: "approved", to: "end" }]);
    expect(store.getState().future).toHaveLength(1);
  });

  it("drops the redo history when a new change is made", () => {
    const store = editorWithApproval();
    store.getState().undo();
    expect(store.getState().future).toHaveLength(1);
    const [withTimer] = addNode(store.getState().doc!, byName.timer, { x: 0, y: 0 }, "等待");
    store.getState().commit(withTimer);
    expect(store.getState().future).toHaveLength(0);
    store.getState().redo();
    expect(store.getState().doc!.nodes.map((n) => n.id)).toEqual(["timer"]);
  });

  it("undoes a delete of nodes with their edges in one step, and a paste gives fresh ids", () => {
    const store = editorWithApproval();
    const [withEnd] = addNode(store.getState().doc!, byName.end, { x: 0, y: 100 }, "结束");
    store.getState().commit(connect(withEnd, { from: "approval", port: "approved", to: "end" }));
    store.getState().select({ nodes: ["approval", "end"], edges: [] });
    store.getState().copy();
    store.getState().deleteSelection();
    expect(store.getState().doc!.nodes).toEqual([]);
    expect(store.getState().doc!.trigger.start).toBeUndefined();
    store.getState().undo();
    expect(store.getState().doc!.edges).toHaveLength(1);
    expect(store.getState().doc!.trigger.start).toBe("approval");

    store.getState().paste();
    const ids = store.getState().doc!.nodes.map((n) => n.id);
    expect(ids).toEqual(["approval", "end", "approval_2", "end_2"]);
    expect(store.getState().doc!.edges[1]).toEqual({ from: "approval_2", port: "approved", to: "end_2" });
    expect(store.getState().selection.nodes).toEqual(["approval_2", "end_2"]);
  });
});

describe("connections the catalog refuses", () => {
  const store = editorWithApproval();
  const [doc] = addNode(store.getState().doc!, byName.end, { x: 0, y: 0 }, "结束");

  it("refuses a second line from one exit, an end node's exit, a missing port and a self-loop", () => {
    const linked = connect(doc, { from: "approval", port: "approved", to: "end" });
    expect(connectionRefusal(linked, byName, "approval", "approved", "end")?.key).toBe("connect.portTaken");
    expect(connectionRefusal(linked, byName, "end", "next", "approval")?.key).toBe("connect.terminal");
    expect(connectionRefusal(linked, byName, "approval", "maybe", "end")?.key).toBe("connect.noSuchPort");
    expect(connectionRefusal(linked, byName, "approval", "rejected", "approval")?.key).toBe("connect.self");
    expect(connectionRefusal(linked, byName, "approval", "rejected", "end")).toBeNull();
  });

  it("refuses a loop in which no node waits, and allows one through an approval", () => {
    const [a] = addNode(doc, byName.condition, { x: 0, y: 0 }, "a");
    const [ab] = addNode(a, byName.assign, { x: 0, y: 0 }, "b");
    const chain = connect(ab, { from: "condition", port: "yes", to: "assign" });
    expect(connectionRefusal(chain, byName, "assign", "next", "condition")?.key).toBe("connect.loop");
    const viaApproval = connect(chain, { from: "condition", port: "no", to: "approval" });
    expect(connectionRefusal(viaApproval, byName, "approval", "rejected", "condition")).toBeNull();
  });
});
