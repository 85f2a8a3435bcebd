// Context feeds flows read (context.weather[region], context.promotion): operators set the weather alert
// level per region and switch the promotion on or off.
import { useState } from "react";
import { useSession } from "../../app/session";
import { useT } from "../../i18n";
import { ActionButton } from "./ActionButton";
import { listFeeds, putFeed, type Feed } from "./api";
import { clock } from "./time";
import { useLoaded } from "./useAsync";

type Json = Record<string, unknown>;
const LEVELS = [0, 1, 2, 3, 4];

function WeatherRow({ region, value, updated, editable, onSaved }: {
  region: string; value: Json; updated: string | null; editable: boolean; onSaved: () => void;
}) {
  const t = useT();
  const [level, setLevel] = useState(Number(value.level ?? 0));
  return (
    <tr data-region={region}>
      <td>{region}</td>
      <td>
        <select aria-label={t("feeds.level")} value={level} disabled={!editable} onChange={(e) => setLevel(Number(e.target.value))}>
          {LEVELS.map((l) => <option key={l} value={l}>{t(`feeds.level${l}` as "feeds.level0")}</option>)}
        </select>
      </td>
      <td>{String(value.label ?? "")}</td>
      <td className="muted">{clock(updated)}</td>
      <td>{editable && <ActionButton disabled={level === Number(value.level)} onClick={() => putFeed("weather", region, { level }).then(onSaved)}>{t("common.save")}</ActionButton>}</td>
    </tr>
  );
}

function PromotionRow({ value, editable, onSaved }: { value: Json; editable: boolean; onSaved: () => void }) {
  const t = useT();
  const active = value.active === true;
  return (
    <p>
      {t("feeds.promotion")}: <strong>{String(value.name ?? "")}</strong> · {t(active ? "feeds.on" : "feeds.off")}{" "}
      {editable && <ActionButton onClick={() => putFeed("promotion", "*", { ...value, active: !active }).then(onSaved)}>
        {t(active ? "feeds.turnOff" : "feeds.turnOn")}
      </ActionButton>}
    </p>
  );
}

function FeedBlock({ feed, editable, onSaved }: { feed: Feed; editable: boolean; onSaved: () => void }) {
  const t = useT();
  if (feed.key === "promotion") {
    const value = (feed.values[0]?.value ?? {}) as Json;
    return <PromotionRow value={value} editable={editable} onSaved={onSaved} />;
  }
  if (feed.key !== "weather") {
    return <p><code>{feed.key}</code> {feed.values.map((v) => `${v.region}: ${JSON.stringify(v.value)}`).join(" · ")}</p>;
  }
  return (
    <table className="grid" data-testid="weather">
      <thead><tr><th>{t("wh.region")}</th><th>{t("feeds.level")}</th><th>{t("feeds.label")}</th><th>{t("feeds.updated")}</th><th /></tr></thead>
      <tbody>
        {feed.values.map((v) => (
          <WeatherRow key={`${v.region}:${JSON.stringify(v.value)}`} region={v.region} value={(v.value ?? {}) as Json}
            updated={v.updated_at} editable={editable} onSaved={onSaved} />
        ))}
      </tbody>
    </table>
  );
}

export function FeedsPanel() {
  const t = useT();
  const ops = useSession((s) => s.user?.role === "operator" || s.user?.role === "admin");
  const feeds = useLoaded(listFeeds, []);
  if (feeds.error) return <p className="error">{t("common.error", { detail: feeds.error })}</p>;
  if (!feeds.data) return <p>{t("common.loading")}</p>;
  return (
    <div>
      {feeds.data.map((f) => (
        <section key={f.key}>
          <h3>{t(f.key === "weather" ? "feeds.weather" : f.key === "promotion" ? "feeds.promotion" : "feeds.other")}</h3>
          <FeedBlock feed={f} editable={ops} onSaved={() => void feeds.reload()} />
        </section>
      ))}
    </div>
  );
}
