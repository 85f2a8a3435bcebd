// The approvals inbox: open and claimed tasks (of my groups by default, or all), each with its order's
// context and a ticking SLA clock; claim, reassign, decide. Task events of my groups (rooms group:<name>)
// refresh the list live.
import { useState } from "react";
import { useSession } from "../../app/session";
import { useT } from "../../i18n";
import { listGroups, listTasks } from "../../components/operations/api";
import { TaskCard } from "../../components/operations/TaskCard";
import { useInterval, useLoaded } from "../../components/operations/useAsync";
import { useLiveRooms } from "../../components/timeline/live";
import "../../components/operations/operations.css";

type Scope = "mine" | "all";

export function InboxPage() {
  const t = useT();
  const user = useSession((s) => s.user);
  const myGroups = user?.groups ?? [];
  const [scope, setScope] = useState<Scope>(myGroups.length ? "mine" : "all");
  const [now, setNow] = useState(() => Date.now());
  const tasks = useLoaded(() => listTasks("active"), []);
  const groups = useLoaded(listGroups, []);
  useInterval(() => setNow(Date.now()), 1000);
  useLiveRooms(myGroups.map((g) => `group:${g}`), () => void tasks.reload());
  const shown = (tasks.data ?? [])
    .filter((task) => scope === "all" || myGroups.includes(task.group) || task.assignee === user?.username)
    .sort((a, b) => (a.sla_due_at ?? "9").localeCompare(b.sla_due_at ?? "9"));
  return (
    <section className="page inbox-page">
      <div className="page-head">
        <h1>{t("nav.inbox")}</h1>
        <span className="view-switch" role="group">
          {(["mine", "all"] as Scope[]).map((s) => (
            <button key={s} type="button" className={scope === s ? "active" : ""} onClick={() => setScope(s)}>
              {t(s === "mine" ? "inbox.mine" : "inbox.all")}
            </button>
          ))}
        </span>
        <button type="button" onClick={() => void tasks.reload()}>{t("ops.refresh")}</button>
      </div>
      {tasks.error && <p className="error">{t("common.error", { detail: tasks.error })}</p>}
      {!tasks.data && !tasks.error && <p>{t("common.loading")}</p>}
      {tasks.data && !shown.length && <p className="muted">{t("inbox.empty")}</p>}
      <div className="task-list">
        {shown.map((task) => (
          <TaskCard key={task.id} task={task} now={now} groups={groups.data ?? []} onChange={() => void tasks.reload()} />
        ))}
      </div>
    </section>
  );
}
