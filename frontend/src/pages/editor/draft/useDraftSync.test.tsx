import { cleanup, renderHook, waitFor, act } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FlowDocument } from "../../../api/types";
import { mapNode } from "../model/document";
import { createEditorStore } from "../model/store";
import { useDraftSync } from "./useDraftSync";

/** A stand-in for the versions and validate endpoints: prints a document as "dsl:<labels>" and back. */
function fakeServer(first: FlowDocument) {
  const state = { doc: first, revision: 1, puts: [] as FlowDocument[], conflict: false };
  const print = (doc: FlowDocument) => `flow ${doc.key}\n${doc.nodes.map((n) => `${n.type} ${n.id} "${n.label}"`).join("\n")}`;
  const parse = (text: string): FlowDocument => {
    const labels = Object.fromEntries([...text.matchAll(/^\w+ (\w+) "(.*)"$/gm)].map((m) => [m[1], m[2]]));
    return { ...state.doc, nodes: state.doc.nodes.map((n) => ({ ...n, label: labels[n.id] ?? n.label })) };
  };
  const version = () => ({ number: 1, state: "draft", document: state.doc, dsl: print(state.doc), problems: [] });
  const reply = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ETag: `"r${state.revision}"` } });
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    const body = init?.body ? JSON.parse(String(init.body)) : null;
    if (url === "/api/validate") {
      const doc = body.dsl ? parse(body.dsl) : body.document;
      return reply({ valid: true, problems: [], document: doc, content_hash: null, behaviour_hash: null });
    }
    if (init?.method === "PUT") {
      if (state.conflict || new Headers(init.headers).get("If-Match") !== `"r${state.revision}"`) {
        return reply({ status: 412, problems: [{ path: "", code: "API_PRECONDITION_FAILED" }] }, 412);
      }
      state.doc = body.document;
      state.revision += 1;
      state.puts.push(body.document);
    }
    return reply(version());
  });
  return { state, fetch, print };
}

const DOC: FlowDocument = {
  format: "orderloom.flow/1", key: "s1", name: "S1", kind: "approval", trigger: { start: "review" },
  nodes: [{ id: "review", type: "approval", label: "财务复核", config: {}, ui: { x: 0, y: 0 } }], edges: [],
};

let server: ReturnType<typeof fakeServer>;
beforeEach(() => {
  server = fakeServer(DOC);
  vi.stubGlobal("fetch", server.fetch);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function opened() {
  const store = createEditorStore();
  const hook = renderHook(() => useDraftSync(store, "s1", 1));
  await waitFor(() => expect(hook.result.current.saveState).toBe("saved"));
  return { store, hook };
}

describe("text view and canvas stay in sync through the draft", () => {
  it("applies an edit of the text to the canvas's document and saves it", async () => {
    const { store, hook } = await opened();
    expect(hook.result.current.dsl).toBe('flow s1\napproval review "财务复核"');
    act(() => hook.result.current.editText('flow s1\napproval review "财务经理复核"'));
    await waitFor(() => expect(store.getState().doc!.nodes[0].label).toBe("财务经理复核"));
    expect(store.getState().origin).toBe("text");
    await waitFor(() => expect(server.state.puts.at(-1)?.nodes[0].label).toBe("财务经理复核"));
    expect(hook.result.current.dsl).toBe('flow s1\napproval review "财务复核"'); // the typist's text is left alone
  });

  it("rewrites the text from the saved draft after a canvas change", async () => {
    const { store, hook } = await opened();
    act(() => store.getState().commit(mapNode(store.getState().doc!, "review", (n) => ({ ...n, label: "复核" }))));
    await waitFor(() => expect(hook.result.current.dsl).toBe('flow s1\napproval review "复核"'));
    expect(hook.result.current.saveState).toBe("saved");
    const put = server.fetch.mock.calls.find(([, init]) => init?.method === "PUT")!;
    expect(new Headers(put[1]!.headers).get("If-Match")).toBe('"r1"');
  });

  it("stops autosaving on a 412 and reloads the other version on request", async () => {
    const { store, hook } = await opened();
    server.state.conflict = true;
    act(() => store.getState().commit(mapNode(store.getState().doc!, "review", (n) => ({ ...n, label: "mine" }))));
    await waitFor(() => expect(hook.result.current.saveState).toBe("conflict"));
    server.state.conflict = false;
    await act(() => hook.result.current.reload());
    expect(store.getState().doc!.nodes[0].label).toBe("财务复核");
    expect(hook.result.current.saveState).toBe("saved");
  });
});
