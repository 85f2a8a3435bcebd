// The problem list under the canvas: every validator problem in the current language; a click selects the
// node and focuses the field it is about.
import type { Problem } from "../../../api/client";
import { pick, useLang, useT } from "../../../i18n";
import { useEditor, useEditorStore } from "../EditorContext";
import { problemTarget } from "../model/problems";

export function ProblemList() {
  const t = useT();
  const lang = useLang();
  const store = useEditorStore();
  const doc = useEditor((s) => s.doc)!;
  const problems = useEditor((s) => s.problems);
  const errors = problems.filter((p) => p.severity === "error").length;

  function show(problem: Problem) {
    const target = problemTarget(doc, problem.path);
    store.getState().select({ nodes: target.node ? [target.node] : [], edges: [] }, target.field);
  }

  return (
    <section className="problem-list" data-testid="problem-list">
      <h3>
        {problems.length ? t("problems.summary", { errors, warnings: problems.length - errors }) : t("problems.none")}
      </h3>
      <ul>
        {problems.map((problem, i) => {
          const target = problemTarget(doc, problem.path);
          return (
            <li key={`${problem.path}-${problem.code}-${i}`}>
              <button type="button" className={`problem ${problem.severity}`} onClick={() => show(problem)}
                data-code={problem.code}>
                <span className="where">{target.node ?? (problem.line ? t("problems.line", { line: problem.line }) : t("problems.flow"))}</span>
                <span className="message">{pick(lang, problem.message_zh, problem.message_en)}</span>
                <code className="code">{problem.code}</code>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
