// Approve or reject a version in review, with a comment (a rejection must say why). Never the author's own.
import { useState } from "react";
import { useT } from "../../i18n";
import { useAction } from "../operations/ActionButton";
import { reviewVersion } from "./api";

export function ReviewBox({ flowKey, number, onDone }: { flowKey: string; number: number; onDone: () => void }) {
  const t = useT();
  const [comment, setComment] = useState("");
  const { busy, error, run } = useAction();
  async function decide(decision: "approve" | "reject") {
    if (await run(() => reviewVersion(flowKey, number, decision, comment.trim()))) onDone();
  }
  return (
    <div className="card review-box" data-testid="review-box">
      <h3>{t("review.title")}</h3>
      <textarea rows={3} aria-label={t("review.comment")} placeholder={t("review.comment")} value={comment}
        onChange={(e) => setComment(e.target.value)} />
      <div className="dialog-buttons">
        <button type="button" disabled={busy || !comment.trim()} title={t("review.rejectNeedsComment")}
          onClick={() => void decide("reject")}>{t("review.reject")}</button>
        <button type="button" className="primary" disabled={busy} onClick={() => void decide("approve")}>{t("review.approve")}</button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
