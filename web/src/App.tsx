import type { ComponentChildren } from "preact";
import { Layout } from "./components/Layout";
import { match, useLocation } from "./router";
import { Home } from "./pages/Home";
import { Login, Signup } from "./pages/Auth";
import { TrackPage } from "./pages/TrackPage";
import { BillingResult, NotFound } from "./pages/Misc";
import { Backstage } from "./pages/backstage/shared";
import { Dashboard } from "./pages/backstage/Dashboard";
import { Activity } from "./pages/backstage/Activity";
import { Beats } from "./pages/backstage/Beats";
import { Collections } from "./pages/backstage/Collections";
import { Finances } from "./pages/backstage/Finances";
import { Progress } from "./pages/backstage/Progress";
import { Leaderboards } from "./pages/leaderboards/Leaderboards";

type Route = [pattern: string, render: (params: Record<string, string>) => ComponentChildren];

// one line per page; patterns may end in "/*" (the rest of the path is the page's own)
const ROUTES: Route[] = [
  ["/", () => <Home />],
  ["/login", () => <Login />],
  ["/signup", () => <Signup />],
  ["/tracks/:id", ({ id }) => <TrackPage id={id} />],
  ["/billing/success", () => <BillingResult outcome="success" />],
  ["/billing/cancel", () => <BillingResult outcome="cancel" />],
  ["/backstage", () => <Backstage><Dashboard /></Backstage>],
  ["/backstage/activity", () => <Backstage><Activity /></Backstage>],
  ["/backstage/beats", () => <Backstage><Beats /></Backstage>],
  ["/backstage/collections", () => <Backstage><Collections /></Backstage>],
  ["/backstage/finances", () => <Backstage><Finances /></Backstage>],
  ["/backstage/progress", () => <Backstage><Progress /></Backstage>],
  ["/leaderboards", () => <Leaderboards />],
  ["/leaderboards/:category", ({ category }) => <Leaderboards category={category} />],
];

export function App() {
  const { path } = useLocation();
  for (const [pattern, render] of ROUTES) {
    const params = match(pattern, path);
    if (params) return <Layout>{render(params)}</Layout>;
  }
  return <Layout><NotFound /></Layout>;
}
