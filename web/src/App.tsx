import type { ComponentChildren } from "preact";
import { Layout } from "./components/Layout";
import { match, useLocation } from "./router";
import { Home } from "./pages/Home";
import { Login, Signup } from "./pages/Auth";
import { TrackPage } from "./pages/TrackPage";
import { ArtistPage } from "./pages/listen/ArtistPage";
import { UserPage } from "./pages/listen/UserPage";
import { Library } from "./pages/listen/Library";
import { PlaylistPage } from "./pages/listen/PlaylistPage";
import { Notifications } from "./pages/listen/Notifications";
import { NotFound } from "./pages/Misc";
import { AccountBilling, BillingResult, ExclusiveResult } from "./pages/money/Billing";
import { Plans } from "./pages/money/Plans";
import { Licenses } from "./pages/money/Licenses";
import { BeatRequests } from "./pages/money/BeatRequests";
import { ProducerProgram } from "./pages/produce/ProducerProgram";
import { Upload } from "./pages/produce/Upload";
import { TrackEdit } from "./pages/produce/TrackEdit";
import { CollectionEdit, NewCollection } from "./pages/produce/CollectionEdit";
import { ArtistEdit, MyArtistEdit } from "./pages/produce/ArtistEdit";
import { AdminApplications } from "./pages/admin/Applications";
import { AdminPayouts } from "./pages/admin/Payouts";
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
  ["/artists/:id", ({ id }) => <ArtistPage id={id} />],
  ["/users/:id", ({ id }) => <UserPage id={id} />],
  ["/library", () => <Library />],
  ["/playlists/:id", ({ id }) => <PlaylistPage id={id} />],
  ["/notifications", () => <Notifications />],
  ["/producer-program", () => <ProducerProgram />],
  ["/upload", () => <Upload />],
  ["/tracks/:id/edit", ({ id }) => <TrackEdit id={id} />],
  ["/collections/new", () => <NewCollection />],
  ["/collections/:id/edit", ({ id }) => <CollectionEdit id={id} />],
  ["/artist/edit", () => <MyArtistEdit />],
  ["/artists/:id/edit", ({ id }) => <ArtistEdit id={id} />],
  ["/admin/applications", () => <AdminApplications />],
  ["/admin/payouts", () => <AdminPayouts />],
  ["/admin/payouts/:id", ({ id }) => <AdminPayouts runId={id} />],
  ["/billing/success", () => <BillingResult outcome="success" />],
  ["/billing/cancel", () => <BillingResult outcome="cancel" />],
  ["/exclusive/success", () => <ExclusiveResult outcome="success" />],
  ["/exclusive/cancel", () => <ExclusiveResult outcome="cancel" />],
  ["/plans", () => <Plans />],
  ["/account/billing", () => <AccountBilling />],
  ["/library/licenses", () => <Licenses />],
  ["/beat-requests", () => <BeatRequests />],
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
