import { describe, expect, it } from "vitest";
import { FLOW_KINDS, VERSION_STATES } from "../api/types";
import { NODE_TYPES } from "../catalog/fixtures";
import { CATEGORIES, type JsonSchema } from "../catalog/types";
import { en } from "./en";
import { pick, translate } from "./index";
import { zh } from "./zh";

describe("i18n", () => {
  it("has the same keys in zh and en, none empty", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const dict of [zh, en]) for (const text of Object.values(dict)) expect(text.trim()).not.toBe("");
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(translate("en", "auth.failed", { detail: "bad password" })).toBe("Sign-in failed: bad password");
    expect(translate("zh", "auth.failed")).toBe("登录失败：{detail}");
  });

  it("picks the catalog text of the language, falling back to the other", () => {
    expect(pick("zh", "条件", "Condition")).toBe("条件");
    expect(pick("en", "条件", "")).toBe("条件");
  });
});

describe("catalog texts come in both languages", () => {
  const missing: string[] = [];
  const both = (where: string, zhText: unknown, enText: unknown) => {
    if (!zhText || !enText) missing.push(where);
  };
  const walk = (where: string, schema: JsonSchema) => {
    for (const [name, field] of Object.entries(schema.properties ?? {})) {
      both(`${where}.${name}`, field["x-title-zh"], field.title);
      for (const [value, labels] of Object.entries(field["x-enum-labels"] ?? {})) both(`${where}.${name}=${value}`, labels.zh, labels.en);
      walk(`${where}.${name}`, field);
      if (field.items) walk(`${where}.${name}[]`, field.items);
    }
  };

  it("labels every node type, port and config field in zh and en", () => {
    for (const nt of NODE_TYPES) {
      both(nt.name, nt.label_zh, nt.label_en);
      both(`${nt.name} description`, nt.description_zh, nt.description_en);
      for (const port of nt.ports) both(`${nt.name}.${port.name}`, port.label_zh, port.label_en);
      walk(nt.name, nt.config_schema);
    }
    expect(missing).toEqual([]);
  });

  it("has a message for every category, stage and state the UI names", () => {
    for (const category of CATEGORIES) expect(zh).toHaveProperty(`category.${category}`);
    for (const kind of FLOW_KINDS) expect(zh).toHaveProperty(`kind.${kind}`);
    for (const state of VERSION_STATES) expect(zh).toHaveProperty(`state.${state}`);
  });
});
