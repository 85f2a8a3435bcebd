// Names the pickers offer: business groups, connections and flows the server knows.
import { useEffect, useState } from "react";
import { api } from "../../../api/client";
import { listFlows } from "../../../api/flows";
import type { Pickers } from "../form/context";

const namesOf = (answer: unknown, listKey: string, nameKey: string): string[] => {
  const list = Array.isArray(answer) ? answer : ((answer as Record<string, unknown>)?.[listKey] as unknown[]) ?? [];
  return list.map((item) => (typeof item === "string" ? item : String((item as Record<string, unknown>)[nameKey] ?? "")))
    .filter(Boolean);
};

export function usePickers(): Pickers {
  const [pickers, setPickers] = useState<Pickers>({ groups: [], connections: [], flows: [] });
  useEffect(() => {
    let live = true;
    // suggestions only: a list the server does not give still leaves the field free to type in
    const orNothing = (names: Promise<string[]>) => names.catch(() => [] as string[]);
    Promise.all([
      orNothing(api.get<unknown>("/api/groups").then((a) => namesOf(a, "groups", "name"))),
      orNothing(api.get<unknown>("/api/connections").then((a) => namesOf(a, "connections", "name"))),
      orNothing(listFlows({}).then((flows) => flows.map((f) => f.key))),
    ]).then(([groups, connections, flows]) => {
      if (live) setPickers({ groups, connections, flows });
    });
    return () => { live = false; };
  }, []);
  return pickers;
}
