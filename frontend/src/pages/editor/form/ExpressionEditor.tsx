// The expression editor: a one-field CodeMirror with completion of the order model's fields and the
// validator's errors marked inline (set as diagnostics whenever they change; the problem list shows them too).
import { autocompletion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, placeholder as placeholderExt } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { useEffect, useRef } from "react";
import type { FieldPath } from "./completions";

export interface ExpressionEditorProps {
  value: string;
  onChange: (value: string) => void;
  fields: FieldPath[];
  errors: string[];
  label: string;
  placeholder?: string;
  readOnly?: boolean;
}

/** Complete the dotted name before the cursor from the known field paths. */
export function completeFields(fields: FieldPath[]) {
  return (context: CompletionContext): CompletionResult | null => {
    const word = context.matchBefore(/[A-Za-z_][\w.]*/);
    if (!word && !context.explicit) return null;
    const typed = word?.text ?? "";
    const options = fields
      .filter((f) => f.path.startsWith(typed))
      .map((f) => ({ label: f.path, detail: f.type, info: f.description || undefined, type: "variable" }));
    return { from: word?.from ?? context.pos, options, validFor: /^[\w.]*$/ };
  };
}

export function ExpressionEditor({ value, onChange, fields, errors, label, placeholder, readOnly = false }: ExpressionEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ onChange, errors, fields });
  latest.current = { onChange, errors, fields };

  useEffect(() => {
    view.current = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          autocompletion({ override: [(ctx) => completeFields(latest.current.fields)(ctx)] }),
          placeholderExt(placeholder ?? ""),
          EditorView.lineWrapping,
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({ "aria-label": label, spellcheck: "false", autocorrect: "off" }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    return () => view.current?.destroy();
  }, [readOnly]);

  useEffect(() => {
    const current = view.current;
    if (current && current.state.doc.toString() !== value) {
      current.dispatch({ changes: { from: 0, to: current.state.doc.length, insert: value } });
    }
  }, [value]);

  const errorText = errors.join("\n");
  useEffect(() => {
    const current = view.current;
    if (!current) return;
    const whole = (message: string): Diagnostic => ({ from: 0, to: current.state.doc.length, severity: "error", message });
    current.dispatch(setDiagnostics(current.state, errorText ? errorText.split("\n").map(whole) : []));
  }, [errorText]);

  return <div className={`expression-editor${errors.length ? " invalid" : ""}`} ref={host} />;
}
