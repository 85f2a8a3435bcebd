// An order's timeline (S13), grouped by pipeline stage: each flow instance (flow, version, status) with every
// step — time, node, port taken, who decided, explanation — and the order's status changes.
import type { ReactNode } from "react";
import { useT } from "../../i18n";
import { labelOf } from "../operations/labels";
import { Explanation } from "../../pages/editor/dryrun/Explanation";
import type { Instance, Stage, StatusChange, Step, Timeline as TimelineData } from "../operations/api";
import { clock } from "../operations/time";

function StepRow({ step }: { step: Step }) {
  const t = useT();
  return (
    <li className={`step step-${step.status}`} data-testid="timeline-step" data-node={step.node}>
      <span className="when">{clock(step.ended ?? step.started)}</span>
      <strong>{step.label || step.node}</strong>
      <code className="muted">{step.type}</code>
      {step.port && <span className="port-tag">→ {step.port}</span>}
      {step.actor && <span className="actor" data-testid="step-actor">{t("timeline.decidedBy", { actor: step.actor })}</span>}
      {step.status !== "done" && <span className={`state state-${step.status}`}>{labelOf(t, "instance", step.status)}</span>}
      {step.explanation != null && (
        <details>
          <summary>{t("timeline.why")}</summary>
          <Explanation type={step.type} explanation={step.explanation} />
        </details>
      )}
    </li>
  );
}

function InstanceCard({ instance, actions }: { instance: Instance; actions?: ReactNode }) {
  const t = useT();
  return (
    <div className={`instance instance-${instance.status}`} data-testid="timeline-instance" data-flow={instance.flow}>
      <div className="instance-head">
        <strong>{instance.flow_name || instance.flow}</strong>
        <span className="muted">{instance.flow} v{instance.version}</span>
        <span className={`state state-${instance.status}`}>{labelOf(t, "instance", instance.status)}</span>
        {instance.outcome && instance.outcome !== instance.status && <span className="port-tag">{instance.outcome}</span>}
        <span className="spacer" />
        {actions}
      </div>
      {instance.steps.length > 0 && <ol className="steps">{instance.steps.map((s) => <StepRow key={s.seq} step={s} />)}</ol>}
    </div>
  );
}

function StageBlock({ stage, actionsFor }: { stage: Stage; actionsFor?: (i: Instance) => ReactNode }) {
  const t = useT();
  return (
    <section className={`timeline-stage stage-${stage.status}`} data-testid={`stage-${stage.stage}`}>
      <h3>
        {labelOf(t, "stage", stage.stage)}
        {stage.round > 1 && <span className="muted"> · {t("timeline.round", { n: stage.round })}</span>}
        <span className={`state state-${stage.status}`}>{labelOf(t, "stageStatus", stage.status)}</span>
        <span className="muted when">{clock(stage.started_at)}</span>
      </h3>
      {stage.instances.map((i) => <InstanceCard key={i.id} instance={i} actions={actionsFor?.(i)} />)}
    </section>
  );
}

function StatusChanges({ changes }: { changes: StatusChange[] }) {
  const t = useT();
  return (
    <ol className="status-changes" data-testid="status-changes">
      {changes.map((c, i) => (
        <li key={i}>
          <span className="when">{clock(c.at)}</span>
          {labelOf(t, "orderStatus", c.from)} → <strong>{labelOf(t, "orderStatus", c.to)}</strong>
          {c.reason && <span className="muted"> {c.reason}</span>}
          {c.actor && <span className="actor"> · {t("timeline.by", { actor: c.actor })}</span>}
        </li>
      ))}
    </ol>
  );
}

export function Timeline({ data, actionsFor }: { data: TimelineData; actionsFor?: (i: Instance) => ReactNode }) {
  const t = useT();
  return (
    <div className="timeline" data-testid="timeline">
      {data.stages.map((s) => <StageBlock key={`${s.key}-${s.round}`} stage={s} actionsFor={actionsFor} />)}
      <h3>{t("timeline.statusChanges")}</h3>
      <StatusChanges changes={data.status_changes} />
    </div>
  );
}
