// The draft's life on the server: load it, validate every change (POST /api/validate), autosave with
// If-Match (PUT .../versions/<n>), and on 412 stop and let the user reload or save a copy.
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiProblem, api } from "../../../api/client";
import { getVersion, newDraftFrom, saveDraft, submitVersion } from "../../../api/flows";
import type { FlowDocument, ValidationAnswer, Version } from "../../../api/types";
import type { EditorStore } from "../model/store";

export type SaveState = "loading" | "saved" | "pending" | "saving" | "conflict" | "failed" | "readonly";

const VALIDATE_DELAY = 300;
const SAVE_DELAY = 900;

export interface DraftSync {
  version: Version | null;
  saveState: SaveState;
  error: string | null;
  dsl: string;
  /** The text view's edits: parsed on the server, applied to the canvas when they read. */
  editText: (text: string) => void;
  reload: () => Promise<void>;
  saveAsCopy: () => Promise<number>;
  submit: () => Promise<void>;
  flush: () => Promise<void>;
}

function useDebounced(delay: number) {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback((run: () => void) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(run, delay);
  }, [delay]);
}

/** ``editable``: the user may change drafts (editor, admin); everyone else sees them read-only. */
export function useDraftSync(store: EditorStore, flowKey: string, number: number, editable = true): DraftSync {
  const [version, setVersion] = useState<Version | null>(null);
  const [saveState, setSaveState] = useState<SaveState>("loading");
  const [error, setError] = useState<string | null>(null);
  const [dsl, setDsl] = useState("");
  const etag = useRef<string | null>(null);
  const session = useRef(crypto.randomUUID());
  const saving = useRef<Promise<void> | null>(null);
  const laterValidate = useDebounced(VALIDATE_DELAY);
  const laterSave = useDebounced(SAVE_DELAY);
  const laterText = useDebounced(VALIDATE_DELAY);
  const stateRef = useRef(saveState);
  stateRef.current = saveState;

  const adopt = useCallback((answer: { version: Version; etag: string | null }) => {
    etag.current = answer.etag;
    setVersion(answer.version);
    store.getState().setProblems(answer.version.problems ?? []);
  }, [store]);

  const reload = useCallback(async () => {
    setSaveState("loading");
    const answer = await getVersion(flowKey, number);
    adopt(answer);
    store.getState().load(answer.version.document);
    setDsl(answer.version.dsl ?? "");
    setError(null);
    setSaveState(answer.version.state === "draft" && editable ? "saved" : "readonly");
  }, [adopt, flowKey, number, store, editable]);

  useEffect(() => {
    reload().catch((e: Error) => { setError(e.message); setSaveState("failed"); });
  }, [reload]);

  const save = useCallback(async () => {
    const doc = store.getState().doc;
    if (!doc || ["conflict", "readonly", "loading"].includes(stateRef.current)) return;
    const origin = store.getState().origin;
    setSaveState("saving");
    try {
      const answer = await saveDraft(flowKey, number, doc, etag.current, session.current);
      adopt(answer);
      if (origin !== "text") setDsl(answer.version.dsl ?? "");
      setSaveState(store.getState().doc === doc ? "saved" : "pending");
      setError(null);
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 412) setSaveState("conflict");
      else {
        setSaveState("failed");
        setError(e instanceof Error ? e.message : String(e));
      }
    }
  }, [adopt, flowKey, number, store]);

  /** Validation that could not run is said on the canvas, never dropped. */
  const reportFailure = useCallback((e: unknown) => store.getState().setNotice(e instanceof Error ? e.message : String(e)),
    [store]);

  const validate = useCallback(async (doc: FlowDocument) => {
    const answer = await api.post<ValidationAnswer>("/api/validate", { document: doc });
    if (store.getState().doc === doc) store.getState().setProblems(answer.problems);
  }, [store]);

  useEffect(() => store.subscribe((state, previous) => {
    if (state.revision === previous.revision || state.origin === "server" || !state.doc) return;
    if (["conflict", "readonly"].includes(stateRef.current)) return;
    setSaveState("pending");
    const doc = state.doc;
    if (state.origin !== "text") laterValidate(() => validate(doc).catch(reportFailure));
    laterSave(() => { saving.current = save(); });
  }), [store, laterValidate, laterSave, validate, save, reportFailure]);

  const editText = useCallback((text: string) => {
    laterText(() => api.post<ValidationAnswer>("/api/validate", { dsl: text }).then((answer) => {
      if (answer.document) store.getState().commit(answer.document, "text");
      store.getState().setProblems(answer.problems);
    }, reportFailure));
  }, [laterText, store, reportFailure]);

  const flush = useCallback(async () => {
    if (stateRef.current === "pending") await save();
    else if (saving.current) await saving.current;
  }, [save]);

  const saveAsCopy = useCallback(async () => {
    const copy = await newDraftFrom(flowKey, number);
    const fresh = await getVersion(flowKey, copy.number);
    await saveDraft(flowKey, copy.number, store.getState().doc!, fresh.etag, session.current);
    return copy.number;
  }, [flowKey, number, store]);

  const submit = useCallback(async () => {
    await flush();
    const answer = await submitVersion(flowKey, number);
    setVersion(answer);
    setSaveState("readonly");
  }, [flush, flowKey, number]);

  return { version, saveState, error, dsl, editText, reload, saveAsCopy, submit, flush };
}
