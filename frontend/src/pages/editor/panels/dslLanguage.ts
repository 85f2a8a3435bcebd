// A small CodeMirror language mode for the flow DSL: keywords, node types, strings, `expressions`, arrows.
import { StreamLanguage, type StreamParser } from "@codemirror/language";

const KEYWORDS = new Set(["flow", "format", "description", "kind", "start", "when", "ui", "note", "true", "false", "null"]);

export function dslParser(nodeKeywords: string[]): StreamParser<{ inExpression: boolean }> {
  const nodeTypes = new Set(nodeKeywords);
  return {
    name: "orderloom-flow",
    startState: () => ({ inExpression: false }),
    token(stream, state) {
      if (state.inExpression) {
        if (stream.skipTo("`")) {
          stream.next();
          state.inExpression = false;
        } else stream.skipToEnd();
        return "string.special";
      }
      if (stream.eatSpace()) return null;
      if (stream.match("#")) {
        stream.skipToEnd();
        return "comment";
      }
      if (stream.match("`")) {
        state.inExpression = true;
        return "string.special";
      }
      if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return "string";
      if (stream.match("->")) return "operator";
      if (stream.match(/^-?\d+(\.\d+)?/)) return "number";
      const word = stream.match(/^[A-Za-z_][\w-]*/) as RegExpMatchArray | null;
      if (word) {
        if (KEYWORDS.has(word[0])) return "keyword";
        if (nodeTypes.has(word[0])) return "typeName";
        return stream.peek() === ":" ? "propertyName" : "variableName";
      }
      stream.next();
      return null;
    },
  };
}

export const dslLanguage = (nodeKeywords: string[]) => StreamLanguage.define(dslParser(nodeKeywords));
