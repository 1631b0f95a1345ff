import { Layout } from "./components/Layout";
import { match, useLocation } from "./router";
import { Home } from "./pages/Home";
import { Login, Signup } from "./pages/Auth";
import { TrackPage } from "./pages/TrackPage";
import { BillingResult, NotFound } from "./pages/Misc";

export function App() {
  const { path } = useLocation();
  let page;
  let params: Record<string, string> | null;
  if (path === "/") page = <Home />;
  else if (path === "/login") page = <Login />;
  else if (path === "/signup") page = <Signup />;
  else if ((params = match("/tracks/:id", path))) page = <TrackPage id={params.id} />;
  else if (path === "/billing/success") page = <BillingResult outcome="success" />;
  else if (path === "/billing/cancel") page = <BillingResult outcome="cancel" />;
  else page = <NotFound />;
  return <Layout>{page}</Layout>;
}
