// Entry point: mount the router into #root.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import "@xyflow/react/dist/style.css";
import { createRouter } from "./app/routes";
import "./styles.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <RouterProvider router={createRouter()} />
  </StrictMode>,
);
