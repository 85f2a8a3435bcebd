// A button for one API action: disabled while it runs, the error shown beside it.
import { useState, type ReactNode } from "react";
import { ApiProblem } from "../../api/client";
import { useLang } from "../../i18n";

/** The message of an API problem in the UI's language (first located problem), else the error's text. */
export function problemText(error: unknown, lang: "zh" | "en"): string {
  if (error instanceof ApiProblem) {
    const first = error.problems[0];
    if (first) return lang === "zh" ? first.message_zh : first.message_en;
    return error.detail || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function useAction() {
  const lang = useLang();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run(action: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(problemText(e, lang));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run };
}

export function ActionButton({ onClick, children, className, disabled, testId }: {
  onClick: () => Promise<unknown>; children: ReactNode; className?: string; disabled?: boolean; testId?: string;
}) {
  const { busy, error, run } = useAction();
  return (
    <span className="action">
      <button type="button" className={className} disabled={busy || disabled} data-testid={testId}
        onClick={() => void run(onClick)}>{children}</button>
      {error && <span className="error" role="alert">{error}</span>}
    </span>
  );
}
