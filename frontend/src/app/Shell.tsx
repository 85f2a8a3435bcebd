// The frame of every signed-in page: top bar (product, navigation, user, language switch) and the page.
import { useEffect } from "react";
import { Navigate, NavLink, Outlet, useLocation } from "react-router";
import { useLangStore, useT, type MessageKey } from "../i18n";
import { useSession } from "./session";

const NAV: { to: string; key: MessageKey }[] = [
  { to: "/flows", key: "nav.flows" },
  { to: "/reviews", key: "nav.reviews" },
  { to: "/inbox", key: "nav.inbox" },
  { to: "/orders", key: "nav.orders" },
  { to: "/masterdata", key: "nav.masterdata" },
  { to: "/dashboard", key: "nav.dashboard" },
];

function LanguageSwitch() {
  const t = useT();
  const { lang, setLang } = useLangStore();
  return (
    <button type="button" className="link-button" data-testid="lang-switch" onClick={() => setLang(lang === "zh" ? "en" : "zh")}>
      {t("lang.switch")}
    </button>
  );
}

function UserBox() {
  const t = useT();
  const { user, signOut } = useSession();
  if (!user) return null;
  return (
    <span className="user-box" data-testid="current-user">
      {user.display_name || user.username} · {t(`role.${user.role}` as MessageKey)}
      <button type="button" className="link-button" onClick={() => void signOut()}>
        {t("auth.logout")}
      </button>
    </span>
  );
}

export function Shell() {
  const t = useT();
  const { user, checked, refresh, error } = useSession();
  const location = useLocation();
  useEffect(() => {
    if (!checked) void refresh();
  }, [checked, refresh]);
  if (!checked) return <p className="page">{t("common.loading")}</p>;
  if (error && !user) return <p className="page error" role="alert">{t("common.error", { detail: error })}</p>;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return (
    <div className="shell">
      <header className="top-bar">
        <strong className="brand">{t("app.name")}</strong>
        <nav>
          {NAV.map((item) => (
            <NavLink key={item.to} to={item.to}>
              {t(item.key)}
            </NavLink>
          ))}
        </nav>
        <span className="spacer" />
        <UserBox />
        <LanguageSwitch />
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}

export { LanguageSwitch };
