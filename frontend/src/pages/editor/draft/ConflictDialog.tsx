// Someone else saved this draft meanwhile (412): reload theirs, or keep ours as a new draft.
import { useState } from "react";
import { useNavigate } from "react-router";
import { useT } from "../../../i18n";
import { useEditor } from "../EditorContext";
import type { DraftSync } from "./useDraftSync";

export function ConflictDialog({ sync }: { sync: DraftSync }) {
  const t = useT();
  const navigate = useNavigate();
  const key = useEditor((s) => s.doc?.key ?? "");
  const [error, setError] = useState<string | null>(null);
  const act = (action: () => Promise<unknown>) => action().catch((e: Error) => setError(e.message));
  return (
    <div className="dialog-backdrop">
      <div className="dialog card" role="dialog" aria-modal="true" aria-labelledby="conflict-title">
        <h2 id="conflict-title">{t("conflict.title")}</h2>
        <p>{t("conflict.body")}</p>
        {error && <p className="error">{error}</p>}
        <div className="dialog-buttons">
          <button type="button" onClick={() => void act(sync.reload)}>{t("conflict.reload")}</button>
          <button type="button" className="primary" onClick={() => void act(async () => {
            const number = await sync.saveAsCopy();
            navigate(`/flows/${encodeURIComponent(key)}/versions/${number}/edit`);
          })}>{t("conflict.copy")}</button>
        </div>
      </div>
    </div>
  );
}
