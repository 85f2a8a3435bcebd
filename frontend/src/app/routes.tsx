// The route table: one line per screen. Screens of the frontend's second part (reviews, versions, inbox,
// orders, master data, dashboard) replace PendingPage here when they land.
import { createBrowserRouter, Navigate } from "react-router";
import { EditorPage } from "../pages/editor/EditorPage";
import { FlowListPage } from "../pages/flows/FlowListPage";
import { LoginPage } from "../pages/LoginPage";
import { NotFoundPage, PendingPage } from "./PendingPage";
import { Shell } from "./Shell";

export const routes = [
  { path: "/login", element: <LoginPage /> },
  {
    path: "/",
    element: <Shell />,
    children: [
      { index: true, element: <Navigate to="/flows" replace /> },
      { path: "flows", element: <FlowListPage /> },
      { path: "flows/:key/versions/:number/edit", element: <EditorPage /> },
      { path: "flows/:key", element: <PendingPage /> },
      { path: "reviews", element: <PendingPage /> },
      { path: "inbox", element: <PendingPage /> },
      { path: "orders", element: <PendingPage /> },
      { path: "orders/:orderId", element: <PendingPage /> },
      { path: "masterdata", element: <PendingPage /> },
      { path: "dashboard", element: <PendingPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
