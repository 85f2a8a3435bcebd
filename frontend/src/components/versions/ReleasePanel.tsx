// The flow's release: the active version, the candidate with its share (percentage or segment), and the
// history. Reviewers publish an approved version (active, or candidate by percentage or segment), change the
// candidate's share, promote it, or roll back in one action.
import { useState } from "react";
import { useT } from "../../i18n";
import { ActionButton, useAction } from "../operations/ActionButton";
import { ReasonButton } from "../operations/ReasonButton";
import { clock } from "../operations/time";
import { promoteCandidate, publishVersion, rollback, setCandidateShare, type PublishRequest, type Release } from "./api";

type Share = { kind: "percent"; percent: number } | { kind: "segment"; segment: string };

function ShareInput({ share, onChange }: { share: Share; onChange: (s: Share) => void }) {
  const t = useT();
  return (
    <span className="share-input">
      <select aria-label={t("release.shareKind")} value={share.kind}
        onChange={(e) => onChange(e.target.value === "percent" ? { kind: "percent", percent: 10 } : { kind: "segment", segment: "customer.new == true" })}>
        <option value="percent">{t("release.byPercent")}</option>
        <option value="segment">{t("release.bySegment")}</option>
      </select>
      {share.kind === "percent"
        ? <input type="number" min={1} max={100} aria-label={t("release.percent")} value={share.percent}
          onChange={(e) => onChange({ kind: "percent", percent: Number(e.target.value) })} />
        : <input className="segment" aria-label={t("release.segment")} value={share.segment}
          onChange={(e) => onChange({ kind: "segment", segment: e.target.value })} />}
    </span>
  );
}

const shareBody = (s: Share) => (s.kind === "percent" ? { percent: s.percent } : { segment: s.segment });

function PublishBox({ flowKey, number, onDone }: { flowKey: string; number: number; onDone: () => void }) {
  const t = useT();
  const [share, setShare] = useState<Share>({ kind: "percent", percent: 10 });
  const { busy, error, run } = useAction();
  async function publish(body: PublishRequest) {
    if (await run(() => publishVersion(flowKey, number, body))) onDone();
  }
  return (
    <div className="card publish-box" data-testid="publish-box">
      <h3>{t("release.publishTitle", { n: number })}</h3>
      <div className="actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void publish({ mode: "active" })}>{t("release.publishActive")}</button>
      </div>
      <div className="actions">
        <ShareInput share={share} onChange={setShare} />
        <button type="button" disabled={busy} data-testid="publish-candidate"
          onClick={() => void publish({ mode: "candidate", ...shareBody(share) })}>{t("release.publishCandidate")}</button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}

function CandidateControls({ flowKey, release, onDone }: { flowKey: string; release: Release; onDone: () => void }) {
  const t = useT();
  const c = release.candidate!;
  const [share, setShare] = useState<Share>(c.segment ? { kind: "segment", segment: c.segment } : { kind: "percent", percent: c.percent ?? 10 });
  return (
    <div className="actions">
      <ShareInput share={share} onChange={setShare} />
      <ActionButton onClick={() => setCandidateShare(flowKey, shareBody(share)).then(onDone)}>{t("release.changeShare")}</ActionButton>
      <ActionButton className="primary" testId="promote" onClick={() => promoteCandidate(flowKey).then(onDone)}>{t("release.promote")}</ActionButton>
    </div>
  );
}

export function ReleasePanel({ flowKey, release, publishable, canRelease, onDone }: {
  flowKey: string; release: Release; publishable: number | null; canRelease: boolean; onDone: () => void;
}) {
  const t = useT();
  const c = release.candidate;
  const canRollBack = Boolean(c) || release.history.some((h) => h.previous_version != null);
  return (
    <div className="release-panel" data-testid="release">
      <dl className="facts">
        <div><dt>{t("release.active")}</dt><dd data-testid="release-active">{release.active ? `v${release.active.number}` : "—"}</dd></div>
        <div><dt>{t("release.candidate")}</dt><dd data-testid="release-candidate">
          {c ? `v${c.number} · ${c.segment ? t("release.segmentShare", { segment: c.segment }) : t("release.percentShare", { percent: c.percent ?? 0 })}` : "—"}
        </dd></div>
      </dl>
      {canRelease && c && <CandidateControls flowKey={flowKey} release={release} onDone={onDone} />}
      {canRelease && canRollBack && (
        <ReasonButton label={t("release.rollback")} testId="rollback" onSubmit={(comment) => rollback(flowKey, comment).then(onDone)} />
      )}
      {canRelease && publishable !== null && <PublishBox flowKey={flowKey} number={publishable} onDone={onDone} />}
      <h4>{t("release.history")}</h4>
      <ol className="release-history" data-testid="release-history">
        {release.history.map((h, i) => (
          <li key={i}>
            <span className="when">{clock(h.at)}</span> <strong>{h.action}</strong> v{h.version ?? "—"}
            {h.percent != null && ` · ${h.percent}%`}{h.segment && ` · ${h.segment}`}
            {h.actor && <span className="muted"> · {h.actor}</span>}{h.reason && <span className="muted"> · {h.reason}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}
