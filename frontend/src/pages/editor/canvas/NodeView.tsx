// One node on the canvas: category icon, type and label, problem badge, an entry handle and one exit per port.
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { CATEGORY_ICONS } from "../../../catalog/catalog";
import { pick, useLang, useT } from "../../../i18n";
import type { CanvasNode } from "../model/flowView";

export function NodeView({ id, data, selected }: NodeProps<CanvasNode>) {
  const lang = useLang();
  const t = useT();
  const type = data.nodeType;
  const classes = ["flow-node", `cat-${type?.category ?? "unknown"}`, selected ? "selected" : "",
    data.errors ? "has-errors" : "", data.onPath ? "on-path" : ""].join(" ");
  return (
    <div className={classes} data-testid={`node-${id}`} data-node-id={id}>
      <Handle type="target" position={Position.Top} id="in" />
      <div className="flow-node-head">
        <span className="icon">{CATEGORY_ICONS[type?.category ?? ""] ?? "?"}</span>
        <span>{type ? pick(lang, type.label_zh, type.label_en) : data.typeName}</span>
        {data.isStart && <span className="start-badge">{t("editor.start")}</span>}
        {data.errors > 0 && <span className="badge error" title={t("problems.count", { n: data.errors })}>{data.errors}</span>}
        {!data.errors && data.warnings > 0 && <span className="badge warning">{data.warnings}</span>}
      </div>
      <div className="flow-node-label">{data.label}</div>
      <div className="flow-node-ports">
        {data.ports.map((port) => (
          <div key={port.name} className="port" data-testid={`port-${id}-${port.name}`}>
            <span>{pick(lang, port.label_zh, port.label_en)}</span>
            <Handle type="source" position={Position.Bottom} id={port.name} className="port-handle" />
          </div>
        ))}
      </div>
    </div>
  );
}
