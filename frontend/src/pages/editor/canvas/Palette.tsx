// The palette, generated from the catalog: node types grouped by category, searchable in both languages,
// dragged onto the canvas.
import { useState, type DragEvent } from "react";
import { CATEGORY_ICONS, useCatalog } from "../../../catalog/catalog";
import { CATEGORIES, type NodeType } from "../../../catalog/types";
import { pick, useLang, useT, type MessageKey } from "../../../i18n";
import { NODE_DRAG_TYPE } from "./Canvas";

function matches(nodeType: NodeType, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [nodeType.name, nodeType.label_zh, nodeType.label_en, nodeType.description_zh, nodeType.description_en]
    .some((text) => text.toLowerCase().includes(q));
}

export function Palette() {
  const t = useT();
  const lang = useLang();
  const types = useCatalog((s) => s.types);
  const [query, setQuery] = useState("");

  function onDragStart(event: DragEvent, nodeType: NodeType) {
    event.dataTransfer.setData(NODE_DRAG_TYPE, nodeType.name);
    event.dataTransfer.effectAllowed = "move";
  }

  return (
    <aside className="palette" data-testid="palette">
      <input type="search" placeholder={t("palette.search")} value={query} onChange={(e) => setQuery(e.target.value)}
        aria-label={t("palette.search")} />
      {CATEGORIES.map((category) => {
        const found = types.filter((nt) => nt.category === category && matches(nt, query));
        if (!found.length) return null;
        return (
          <section key={category}>
            <h3><span className="icon">{CATEGORY_ICONS[category]}</span> {t(`category.${category}` as MessageKey)}</h3>
            {found.map((nt) => (
              <div key={nt.name} className={`palette-item cat-${category}`} draggable data-testid={`palette-${nt.name}`}
                title={pick(lang, nt.description_zh, nt.description_en)} onDragStart={(e) => onDragStart(e, nt)}>
                <span className="icon">{CATEGORY_ICONS[category]}</span> {pick(lang, nt.label_zh, nt.label_en)}
              </div>
            ))}
          </section>
        );
      })}
    </aside>
  );
}
