// The text view: the canonical DSL of the draft in CodeMirror. Typing re-parses on the server and moves the
// canvas; canvas changes come back as the saved draft's canonical text. Syntax errors sit at their line.
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { EditorState, Text } from "@codemirror/state";
import { EditorView, keymap, lineNumbers } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { useEffect, useMemo, useRef } from "react";
import type { Problem } from "../../../api/client";
import { useCatalog } from "../../../catalog/catalog";
import { pick, useLang, type Lang } from "../../../i18n";
import { useEditor } from "../EditorContext";
import { dslLanguage } from "./dslLanguage";

/** Problems that carry a line (text input) as CodeMirror diagnostics. */
export function textDiagnostics(doc: Text, problems: Problem[], lang: Lang): Diagnostic[] {
  return problems.filter((p) => p.line).map((p) => {
    const line = doc.line(Math.min(Math.max(p.line!, 1), doc.lines));
    const from = Math.min(line.from + Math.max((p.column ?? 1) - 1, 0), line.to);
    return { from, to: Math.max(from, line.to), severity: p.severity === "error" ? "error" : "warning",
      message: pick(lang, p.message_zh, p.message_en) };
  });
}

export function TextView({ dsl, onEdit, readOnly }: { dsl: string; onEdit: (text: string) => void; readOnly: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const types = useCatalog((s) => s.types);
  const keywords = useMemo(() => types.map((t) => t.keyword), [types]);
  const problems = useEditor((s) => s.problems);
  const lang = useLang();
  const latest = useRef({ onEdit });
  latest.current = { onEdit };

  useEffect(() => {
    view.current = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: dsl,
        extensions: [
          lineNumbers(), history(), keymap.of([...defaultKeymap, ...historyKeymap]),
          dslLanguage(keywords), syntaxHighlighting(defaultHighlightStyle), lintGutter(),
          EditorState.readOnly.of(readOnly),
          EditorView.contentAttributes.of({ "data-testid": "dsl-text", spellcheck: "false" }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged && update.transactions.some((tr) => tr.isUserEvent("input") || tr.isUserEvent("delete") ||
              tr.isUserEvent("undo") || tr.isUserEvent("redo") || tr.isUserEvent("move"))) {
              latest.current.onEdit(update.state.doc.toString());
            }
          }),
        ],
      }),
    });
    return () => view.current?.destroy();
  }, [readOnly, keywords.join(" ")]);

  useEffect(() => {
    const current = view.current;
    if (!current || current.hasFocus || current.state.doc.toString() === dsl) return;
    current.dispatch({ changes: { from: 0, to: current.state.doc.length, insert: dsl } });
  }, [dsl]);

  useEffect(() => {
    const current = view.current;
    if (current) current.dispatch(setDiagnostics(current.state, textDiagnostics(current.state.doc, problems, lang)));
  }, [problems, lang, dsl]);

  return <div className="text-view" ref={host} />;
}
