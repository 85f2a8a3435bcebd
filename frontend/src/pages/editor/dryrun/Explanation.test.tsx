import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { Explanation } from "./Explanation";

afterEach(cleanup);

describe("a test-run step explains itself", () => {
  it("lists every route candidate with raw values and scores, the winner marked, exclusions with reasons", () => {
    const { container } = render(<Explanation type="route" explanation={{
      decision: "routed", winner: "bj", margin: "0.4",
      weights: [{ factor: "cost", label: "成本", weight: "0.5" }, { factor: "eta", label: "时效", weight: "0.75" }],
      candidates: [
        { id: "bj", rank: 1, raw: { cost: "18.15", eta: "21.6" }, normalised: { cost: "1", eta: "1" }, total: "1" },
        { id: "gz", rank: 2, raw: { cost: "31.45", eta: "72.0" }, normalised: { cost: "0", eta: "0" }, total: "0" },
      ],
      excluded: [{ id: "cd", reason: "no_stock", reason_zh: "库存不足以发出全部商品", reason_en: "not enough stock" }],
    }} />);
    const headers = [...container.querySelectorAll("th")].map((th) => th.textContent);
    expect(headers).toContain("成本 ×0.5原始值 / 得分");
    expect(container.querySelector("tr.winner")!.textContent).toContain("18.15 / 1");
    expect(container.querySelectorAll("tbody tr")).toHaveLength(2);
    expect(container.textContent).toContain("cd 被排除：库存不足以发出全部商品");
  });

  it("names the decision-table rows that fired and what they wrote", () => {
    const { container } = render(<Explanation type="decision_table" explanation={{
      hit_policy: "first", matched: true, rows: [{ index: 2, note: null }],
      inputs: [{ name: "reason", expression: "return_request.reason_text", value: "尺码偏小" }],
      outputs: { reason_class: "size" },
    }} />);
    expect(container.textContent).toContain("命中第 3 行");
    expect(container.textContent).toContain('"reason_class":"size"');
  });

  it("shows any other step's recorded facts", () => {
    const { container } = render(<Explanation type="end" explanation={{ outcome: "approved" }} />);
    expect(container.querySelector("dt")!.textContent).toBe("outcome");
    expect(container.querySelector("dd")!.textContent).toBe("approved");
  });
});
