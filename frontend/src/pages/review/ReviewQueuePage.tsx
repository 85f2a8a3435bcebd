// The reviewer's queue: versions in review that the signed-in user may review (never their own), oldest
// submission first; each opens the version's diff, preview and review box.
import { Link } from "react-router";
import { useT } from "../../i18n";
import { labelOf } from "../../components/operations/labels";
import { clock } from "../../components/operations/time";
import { useLoaded } from "../../components/operations/useAsync";
import { listReviews } from "../../components/versions/api";
import "../../components/operations/operations.css";

export function ReviewQueuePage() {
  const t = useT();
  const reviews = useLoaded(listReviews, []);
  return (
    <section className="page review-page">
      <div className="page-head"><h1>{t("review.queue")}</h1></div>
      {reviews.error && <p className="error">{t("common.error", { detail: reviews.error })}</p>}
      {!reviews.data && !reviews.error && <p>{t("common.loading")}</p>}
      {reviews.data && !reviews.data.length && <p className="muted">{t("review.empty")}</p>}
      {reviews.data && reviews.data.length > 0 && (
        <table className="grid" data-testid="review-queue">
          <thead><tr><th>{t("flows.name")}</th><th>{t("flows.kind")}</th><th>{t("review.version")}</th>
            <th>{t("review.submittedBy")}</th><th>{t("review.submittedAt")}</th><th /></tr></thead>
          <tbody>
            {reviews.data.map((r) => (
              <tr key={`${r.key}/${r.number}`} data-review={`${r.key}/${r.number}`}>
                <td><strong>{r.name}</strong> <code className="muted">{r.key}</code></td>
                <td>{labelOf(t, "kind", r.kind)}</td>
                <td>v{r.number}{r.based_on ? <span className="muted"> ← v{r.based_on}</span> : null}</td>
                <td>{r.submitted_by ?? "—"}</td>
                <td>{clock(r.submitted_at)}</td>
                <td><Link className="button" to={`/flows/${encodeURIComponent(r.key)}?v=${r.number}`}>{t("review.open")}</Link></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
