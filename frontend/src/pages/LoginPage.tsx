// Sign in with username and password; back to the page that asked for it.
import { useState, type FormEvent } from "react";
import { useLocation, useNavigate } from "react-router";
import { ApiProblem } from "../api/client";
import { LanguageSwitch } from "../app/Shell";
import { useSession } from "../app/session";
import { useLang, useT } from "../i18n";

export function LoginPage() {
  const t = useT();
  const lang = useLang();
  const signIn = useSession((s) => s.signIn);
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? "/flows";
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await signIn(username, password);
      navigate(from, { replace: true });
    } catch (caught) {
      const problem = caught instanceof ApiProblem ? caught.problems[0] : undefined;
      const detail = problem ? (lang === "zh" ? problem.message_zh : problem.message_en) : String(caught);
      setError(t("auth.failed", { detail }));
    }
  }

  return (
    <form className="login card" onSubmit={submit}>
      <h1>{t("auth.title")}</h1>
      <label>
        {t("auth.username")}
        <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label>
        {t("auth.password")}
        <input name="password" type="password" autoComplete="current-password" value={password}
          onChange={(e) => setPassword(e.target.value)} />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" className="primary">{t("auth.login")}</button>
      <LanguageSwitch />
    </form>
  );
}
