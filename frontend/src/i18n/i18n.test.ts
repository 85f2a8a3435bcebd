import { describe, expect, it } from "vitest";
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
