// Routes whose screens come with the frontend's second part say so plainly instead of showing nothing.
import { useT } from "../i18n";

export function PendingPage() {
  const t = useT();
  return (
    <section className="page">
      <h1>{t("pending.title")}</h1>
      <p>{t("pending.body")}</p>
    </section>
  );
}

export function NotFoundPage() {
  const t = useT();
  return <h1 className="page">{t("notfound.title")}</h1>;
}
