// The flow editor for one version: palette | canvas or text | properties, problems and test run below.
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useSession } from "../../app/session";
import { useCatalog } from "../../catalog/catalog";
import { ApiProblem } from "../../api/client";
import { pick, useLang, useT, type MessageKey } from "../../i18n";
import { Canvas } from "./canvas/Canvas";
import { Palette } from "./canvas/Palette";
import { ConflictDialog } from "./draft/ConflictDialog";
import { useDraftSync, type DraftSync } from "./draft/useDraftSync";
import { usePickers } from "./draft/usePickers";
import { DryRunPanel } from "./dryrun/DryRunPanel";
import { EditorContext, useEditor, useEditorStore } from "./EditorContext";
import { createEditorStore } from "./model/store";
import { ProblemList } from "./panels/ProblemList";
import { PropertyPanel } from "./panels/PropertyPanel";
import { TextView } from "./panels/TextView";
import { CanvasToolbar } from "./Toolbar";

type View = "canvas" | "text" | "split";
type Bottom = "problems" | "dryrun";

const NOTICE_SECONDS = 6;

/** A short message (a refused connection): it goes away by itself. */
function Notice() {
  const notice = useEditor((s) => s.notice);
  const setNotice = useEditor((s) => s.setNotice);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_SECONDS * 1000);
    return () => clearTimeout(timer);
  }, [notice, setNotice]);
  return notice ? <p className="notice" role="alert" data-testid="notice">{notice}</p> : null;
}

function Header({ sync, view, setView }: { sync: DraftSync; view: View; setView: (v: View) => void }) {
  const t = useT();
  const lang = useLang();
  const store = useEditorStore();
  const navigate = useNavigate();
  const doc = useEditor((s) => s.doc);
  const errors = useEditor((s) => s.problems.filter((p) => p.severity === "error").length);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const version = sync.version;
  async function submit() {
    setSubmitError(null);
    try {
      await sync.submit();
    } catch (e) {
      const first = e instanceof ApiProblem ? e.problems[0] : undefined;
      if (e instanceof ApiProblem && e.status === 422) store.getState().setProblems(e.problems);
      setSubmitError(first ? pick(lang, first.message_zh, first.message_en) : String(e));
    }
  }
  return (
    <header className="editor-header">
      <Link to="/flows">← {t("nav.flows")}</Link>
      <strong data-testid="flow-name">{doc?.name}</strong>
      {version && <span className={`state state-${version.state}`}>v{version.number} · {t(`state.${version.state}` as MessageKey)}</span>}
      <span className={`save-state ${sync.saveState}`} data-testid="save-state">{t(`save.${sync.saveState}` as MessageKey)}</span>
      <span className="spacer" />
      <span className="view-switch" role="group">
        {(["canvas", "split", "text"] as View[]).map((v) => (
          <button key={v} type="button" className={view === v ? "active" : ""} onClick={() => setView(v)}>{t(`editor.view.${v}`)}</button>
        ))}
      </span>
      {version?.state === "draft" && (
        <button type="button" className="primary" disabled={errors > 0} title={errors ? t("editor.fixFirst") : undefined}
          onClick={() => void submit()}>{t("editor.submit")}</button>
      )}
      {version && version.state !== "draft" && (
        <button type="button" onClick={() => navigate(`/flows/${encodeURIComponent(version.document.key)}`)}>{t("editor.versions")}</button>
      )}
      {submitError && <span className="error" role="alert">{submitError}</span>}
    </header>
  );
}

function Workspace({ sync }: { sync: DraftSync }) {
  const t = useT();
  const [view, setView] = useState<View>("canvas");
  const [bottom, setBottom] = useState<Bottom>("problems");
  const pickers = usePickers();
  const readOnly = sync.saveState === "readonly";
  return (
    <div className="editor">
      <Header sync={sync} view={view} setView={setView} />
      <div className="editor-body">
        {!readOnly && view !== "text" && <Palette />}
        <div className="editor-center">
          <div className={`views view-${view}`}>
            {view !== "text" && (
              <div className="canvas-area">
                <CanvasToolbar readOnly={readOnly} />
                <Notice />
                <Canvas readOnly={readOnly} />
              </div>
            )}
            {view !== "canvas" && <TextView dsl={sync.dsl} onEdit={sync.editText} readOnly={readOnly} />}
          </div>
          <div className="bottom-panel">
            <div className="tabs" role="tablist">
              <button type="button" role="tab" aria-selected={bottom === "problems"} onClick={() => setBottom("problems")}>{t("problems.title")}</button>
              <button type="button" role="tab" aria-selected={bottom === "dryrun"} onClick={() => setBottom("dryrun")}>{t("dryrun.title")}</button>
            </div>
            {bottom === "problems" ? <ProblemList /> : <DryRunPanel />}
          </div>
        </div>
        <PropertyPanel pickers={pickers} readOnly={readOnly} />
      </div>
      {sync.saveState === "conflict" && <ConflictDialog sync={sync} />}
    </div>
  );
}

export function EditorPage() {
  const t = useT();
  const { key = "", number = "1" } = useParams();
  const store = useMemo(() => createEditorStore(), [key, number]);
  const role = useSession((s) => s.user?.role);
  const sync = useDraftSync(store, key, Number(number), role === "editor" || role === "admin");
  const { loaded, load } = useCatalog();
  const [catalogError, setCatalogError] = useState<string | null>(null);
  const doc = store((s) => s.doc);
  useEffect(() => {
    load().catch((e: Error) => setCatalogError(e.message));
  }, [load]);
  const error = catalogError ?? (sync.saveState === "failed" && !doc ? sync.error : null);
  if (error) return <p className="page error">{t("common.error", { detail: error })}</p>;
  if (!loaded || !doc) return <p className="page">{t("common.loading")}</p>;
  return (
    <EditorContext.Provider value={store}>
      <ReactFlowProvider>
        <Workspace sync={sync} />
      </ReactFlowProvider>
    </EditorContext.Provider>
  );
}
