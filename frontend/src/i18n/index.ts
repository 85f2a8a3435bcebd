// Every string on screen goes through t(): Simplified Chinese by default, English on switch (kept in
// localStorage). Catalog texts from the API come in zh/en pairs and are picked with pick().
import { create } from "zustand";
import { en } from "./en";
import { zh, type MessageKey } from "./zh";

export type Lang = "zh" | "en";
export type { MessageKey };
export const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { zh, en };
const STORAGE_KEY = "orderloom.lang";

function initialLang(): Lang {
  const stored = typeof localStorage === "undefined" ? null : localStorage.getItem(STORAGE_KEY);
  return stored === "en" ? "en" : "zh";
}

interface LangState {
  lang: Lang;
  setLang: (lang: Lang) => void;
}

export const useLangStore = create<LangState>((set) => ({
  lang: initialLang(),
  setLang: (lang) => {
    localStorage.setItem(STORAGE_KEY, lang);
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    set({ lang });
  },
}));

export type Params = Record<string, string | number>;

/** The message for key in lang, with {name} placeholders filled from params. */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const template = DICTIONARIES[lang][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export type Translate = (key: MessageKey, params?: Params) => string;

/** The translate function of the current language (re-renders on switch). */
export function useT(): Translate {
  const lang = useLangStore((s) => s.lang);
  return (key, params) => translate(lang, key, params);
}

export function useLang(): Lang {
  return useLangStore((s) => s.lang);
}

/** Pick the zh or en member of a catalog pair such as label_zh / label_en. */
export function pick(lang: Lang, zhText: string | undefined | null, enText: string | undefined | null): string {
  return (lang === "zh" ? zhText || enText : enText || zhText) ?? "";
}
