// The route table: one line per screen. Screens of the frontend's second part (reviews, versions, inbox,
// orders, master data, dashboard) replace PendingPage here when they land.
import { createBrowserRouter, Navigate } from "react-router";
import { EditorPage } from "../pages/editor/EditorPage";
import { FlowListPage } from "../pages/flows/FlowListPage";
import { LoginPage } from "../pages/LoginPage";
import { InboxPage } from "../pages/inbox/InboxPage";
import { MasterDataPage } from "../pages/masterdata/MasterDataPage";
import { OrderPage } from "../pages/order/OrderPage";
import { OrdersPage } from "../pages/orders/OrdersPage";
import { ReviewQueuePage } from "../pages/review/ReviewQueuePage";
import { VersionsPage } from "../pages/versions/VersionsPage";
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
      { path: "flows/:key", element: <VersionsPage /> },
      { path: "reviews", element: <ReviewQueuePage /> },
      { path: "inbox", element: <InboxPage /> },
      { path: "orders", element: <OrdersPage /> },
      { path: "orders/:orderId", element: <OrderPage /> },
      { path: "masterdata", element: <MasterDataPage /> },
      { path: "dashboard", element: <PendingPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
