import type { ComponentChildren } from "preact";
import { Layout } from "./components/Layout";
import { match, useLocation } from "./router";
import { Home } from "./pages/Home";
import { Login, Signup } from "./pages/Auth";
import { TrackPage } from "./pages/TrackPage";
import { BillingResult, NotFound } from "./pages/Misc";
import { ProducerProgram } from "./pages/produce/ProducerProgram";
import { Upload } from "./pages/produce/Upload";
import { TrackEdit } from "./pages/produce/TrackEdit";
import { CollectionEdit, NewCollection } from "./pages/produce/CollectionEdit";
import { ArtistEdit, MyArtistEdit } from "./pages/produce/ArtistEdit";
import { AdminApplications } from "./pages/admin/Applications";
import { AdminPayouts } from "./pages/admin/Payouts";

type Route = [pattern: string, render: (params: Record<string, string>) => ComponentChildren];

// one line per page; patterns may end in "/*" (the rest of the path is the page's own)
const ROUTES: Route[] = [
  ["/", () => <Home />],
  ["/login", () => <Login />],
  ["/signup", () => <Signup />],
  ["/tracks/:id", ({ id }) => <TrackPage id={id} />],
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
];

export function App() {
  const { path } = useLocation();
  for (const [pattern, render] of ROUTES) {
    const params = match(pattern, path);
    if (params) return <Layout>{render(params)}</Layout>;
  }
  return <Layout><NotFound /></Layout>;
}
