// Impact preview of a version (issue 6): replay the last N recorded orders through it and the active version;
// the progress bar follows `preview.progress` live events (room flow:<key>) and, as a fallback, the stored
// progress; the finished report is read once.
import { useState } from "react";
import { useT } from "../../i18n";
import { useAction } from "../operations/ActionButton";
import { useInterval, useLoaded } from "../operations/useAsync";
import { useLiveRooms } from "../timeline/live";
import { askPreview, getPreview, listPreviews, type Preview } from "./api";
import { PreviewReportView } from "./PreviewReport";

const POLL_MS = 1500;
const DEFAULT_LIMIT = 1000;

function ProgressBar({ preview }: { preview: Preview }) {
  const t = useT();
  const ratio = preview.status === "done" ? 1 : preview.progress.ratio;
  return (
    <div className="preview-progress">
      <progress data-testid="preview-progress" max={1} value={ratio} data-status={preview.status} />
      <span>{t(`preview.state.${preview.status}` as "preview.state.done")} · {preview.progress.done}/{preview.progress.total}</span>
    </div>
  );
}

export function PreviewPanel({ flowKey, number }: { flowKey: string; number: number }) {
  const t = useT();
  const [limit, setLimit] = useState(DEFAULT_LIMIT);
  const [current, setCurrent] = useState<Preview | null>(null);
  const { busy, error, run } = useAction();
  const previous = useLoaded(async () => {
    const list = await listPreviews(flowKey, number);
    const latest = list[0];
    if (latest && !current) setCurrent(latest.status === "done" ? await getPreview(latest.id) : latest);
    return list;
  }, [flowKey, number]);
  const running = current && (current.status === "queued" || current.status === "running");
  const refresh = async (id: number) => setCurrent(await getPreview(id));
  useLiveRooms([`flow:${flowKey}`], (events) => {
    for (const e of events) {
      if (e.event !== "preview.progress" || !current || e.data.id !== current.id) continue;
      const { status, done, total, progress } = e.data as { status: Preview["status"]; done: number; total: number; progress: number };
      if (status === "done" || status === "failed") void refresh(current.id);
      else setCurrent({ ...current, status, progress: { done, total, ratio: progress } });
    }
  });
  useInterval(() => {
    if (running) void refresh(current.id);
  }, POLL_MS);
  async function start() {
    await run(async () => setCurrent(await askPreview(flowKey, number, limit)));
  }
  return (
    <div className="preview-panel" data-testid="preview-panel">
      <div className="actions">
        <label>{t("preview.limit")} <input type="number" min={1} max={5000} value={limit} onChange={(e) => setLimit(Number(e.target.value))} /></label>
        <button type="button" className="primary" disabled={busy || Boolean(running)} data-testid="run-preview" onClick={() => void start()}>
          {t("preview.run")}
        </button>
        {previous.data && previous.data.length > 0 && <span className="muted">{t("preview.count", { n: previous.data.length })}</span>}
      </div>
      {(error ?? previous.error) && <p className="error" role="alert">{error ?? previous.error}</p>}
      {current && <ProgressBar preview={current} />}
      {current?.status === "failed" && <p className="error">{current.error?.message}</p>}
      {current?.status === "done" && current.report && <PreviewReportView report={current.report} />}
    </div>
  );
}
