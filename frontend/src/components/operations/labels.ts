// Labels for values the server names (order statuses, channels, stages): the dictionary's text when it has
// one, else the value itself, so a new value from the server never shows as a raw key or a blank.
import type { MessageKey, Translate } from "../../i18n";

export function labelOf(t: Translate, prefix: string, value: string | null | undefined): string {
  if (!value) return "—";
  return (t(`${prefix}.${value}` as MessageKey) as string | undefined) ?? value;
}
