// What every list widget shares: append, remove, reorder, and the small buttons that do it.
import type { useForm } from "./context";

export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export function ListButtons({ onAdd, label }: { onAdd: () => void; label: string }) {
  return <button type="button" className="add-row" onClick={onAdd}>＋ {label}</button>;
}

/** Replace, remove and append items, reporting undefined once the list is empty. */
export function listOps(items: unknown[], onChange: (value: unknown) => void) {
  const emit = (next: unknown[]) => onChange(next.length ? next : undefined);
  return {
    set: (i: number, item: unknown) => emit(items.map((old, j) => (j === i ? item : old))),
    remove: (i: number) => emit(items.filter((_, j) => j !== i)),
    add: (item: unknown) => emit([...items, item]),
    move: (i: number, by: number) => {
      const next = [...items];
      const [item] = next.splice(i, 1);
      next.splice(Math.max(0, Math.min(next.length, i + by)), 0, item);
      emit(next);
    },
  };
}

export function RowTools({ index, count, ops, t }: { index: number; count: number; ops: ReturnType<typeof listOps>;
  t: ReturnType<typeof useForm>["t"] }) {
  return (
    <span className="row-tools">
      <button type="button" title={t("form.up")} disabled={index === 0} onClick={() => ops.move(index, -1)}>↑</button>
      <button type="button" title={t("form.down")} disabled={index === count - 1} onClick={() => ops.move(index, 1)}>↓</button>
      <button type="button" title={t("form.remove")} onClick={() => ops.remove(index)}>✕</button>
    </span>
  );
}
