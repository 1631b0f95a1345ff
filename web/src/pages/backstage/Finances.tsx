// Finances: Stripe Connect's three flags and the Connect button (to Stripe's hosted onboarding), the Balance,
// Upcoming, In Transit and Lifetime cards (one amount per currency), the ledger, and a month's pool statement.
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Page } from "../../api";
import { ErrorMessage, Loading } from "../../components/Status";
import { Loaded, formatDecimal, formatInt, formatMoney, formatPercent, formatWhen, useArtist, useProducerGet }
  from "./shared";
import type { ConnectStatus, Finances as FinancesData, Money, Statement as StatementData, Transaction } from "./types";

// where Stripe offers Express accounts (services/contracts/vocabularies.py STRIPE_CONNECT_COUNTRIES, the enum of
// POST /producer/stripe/connect's `country`)
const COUNTRIES = ["AT", "AU", "BE", "BG", "CA", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GI",
                   "GR", "HK", "HR", "HU", "IE", "IT", "JP", "LI", "LT", "LU", "LV", "MT", "MX", "NL", "NO", "NZ",
                   "PL", "PT", "RO", "SE", "SG", "SI", "SK", "TH", "US"];
const STATUS: Record<ConnectStatus, string> = {
  not_connected: "Not connected: connect a Stripe account to be paid.",
  onboarding: "Onboarding: Stripe still needs some details before it can pay you.",
  restricted: "Restricted: Stripe has paused payouts until it gets what it asks for.",
  payout_ready: "Payout-ready: your share is paid to your Stripe account after each month.",
};
const KINDS: Record<string, string> = {
  pool_share: "Pool share", exclusive_sale: "Exclusive sale", transfer: "Transfer to Stripe",
  transfer_reversal: "Transfer reversed", sale_refund: "Sale refunded" };
const CARDS = [["balance", "Balance"], ["upcoming", "Upcoming"], ["in_transit", "In transit"],
               ["lifetime", "Lifetime"]] as const;

function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(undefined, { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

function lastMonth(): string {
  const now = new Date();
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return first.toISOString().slice(0, 7);
}

function monthName(period: string): string {
  return new Date(`${period}-01T00:00:00Z`).toLocaleDateString(undefined, { month: "long", year: "numeric",
                                                                            timeZone: "UTC" });
}

function Amounts({ amounts }: { amounts: Money[] }) {
  if (amounts.length === 0) return <span class="bs-stat-value">—</span>;
  return <>{amounts.map((money) => <span class="bs-stat-value">{formatMoney(money)}</span>)}</>;
}

function Flag({ on, label }: { on: boolean; label: string }) {
  return (
    <li class={on ? "on" : "off"}>
      <span aria-hidden="true">{on ? "✓" : "✕"}</span> {label}: <strong>{on ? "yes" : "no"}</strong>
    </li>
  );
}

function Stripe({ stripe }: { stripe: FinancesData["stripe"] }) {
  const [country, setCountry] = useState(stripe.country ?? "CA");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const connect = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    try {
      const link = await api.post<{ url: string }>("/api/v1/producer/stripe/connect", { country });
      location.assign(link.url);
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };
  return (
    <section class="bs-panel" aria-labelledby="bs-stripe">
      <h2 id="bs-stripe">Payouts with Stripe</h2>
      <p data-testid="stripe-status">{STATUS[stripe.status] ?? stripe.status}</p>
      <ul class="bs-flags" aria-label="Stripe account">
        <Flag on={stripe.connected} label="Connected" />
        <Flag on={stripe.charges_enabled} label="Charges enabled" />
        <Flag on={stripe.payouts_enabled} label="Payouts enabled" />
      </ul>
      {stripe.currently_due.length > 0 && (
        <p>Stripe still needs: {stripe.currently_due.map((item) => item.replace(/[._]/g, " ")).join(", ")}.</p>
      )}
      {stripe.status !== "payout_ready" && (
        <form class="bs-connect" onSubmit={connect}>
          {stripe.country ? (
            <p class="muted">Country of your Stripe account: {countryName(stripe.country)}</p>
          ) : (
            <label>Country of your Stripe account
              <select value={country} onChange={(event) => setCountry((event.currentTarget as HTMLSelectElement).value)}>
                {COUNTRIES.map((code) => <option value={code}>{countryName(code)}</option>)}
              </select>
            </label>
          )}
          <button type="submit" disabled={busy}>
            {busy ? "Opening Stripe…" : stripe.connected ? "Continue on Stripe" : "Connect with Stripe"}
          </button>
        </form>
      )}
      <ErrorMessage message={error} />
    </section>
  );
}

function Transactions() {
  const artist = useArtist();
  const [items, setItems] = useState<Transaction[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const load = async (cursor: string | null) => {
    setBusy(true);
    setError("");
    try {
      const page = await api.get<Page<Transaction>>("/api/v1/producer/finances/transactions",
                                                    { artist, cursor, limit: 20 });
      setItems((current) => [...(cursor ? current ?? [] : []), ...page.items]);
      setNext(page.next);
    } catch (failure) {
      setError(errorMessage(failure));
      setItems((current) => current ?? []);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    setItems(null);
    void load(null);
  }, [artist]);
  return (
    <section class="bs-panel" aria-labelledby="bs-transactions">
      <h2 id="bs-transactions">Transactions</h2>
      <ErrorMessage message={error} />
      {items === null ? <Loading label="Loading your transactions…" /> : items.length === 0 ? (
        !error && <p class="muted">No transactions yet: pool shares, exclusive sales and transfers show here.</p>
      ) : (
        <div class="bs-table-scroll" role="region" aria-label="Transactions" tabIndex={0}>
          <table class="bs-table">
            <thead><tr><th scope="col">Date</th><th scope="col">Kind</th><th scope="col">Month</th>
              <th scope="col" class="num">Amount</th></tr></thead>
            <tbody>
              {items.map((t) => (
                <tr key={t.id}>
                  <td>{formatWhen(t.created_at)}</td>
                  <td>{KINDS[t.kind] ?? t.kind}</td>
                  <td>{t.period ?? "—"}</td>
                  <td class={`num ${t.amount_cents < 0 ? "debit" : "credit"}`}>{formatMoney(t, true)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && <button type="button" class="more" onClick={() => load(next)} disabled={busy}>
        {busy ? "Loading…" : "More transactions"}</button>}
    </section>
  );
}

function Statement() {
  const artist = useArtist();
  const [period, setPeriod] = useState(lastMonth());
  const [shown, setShown] = useState<StatementData | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const show = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    try {
      setShown(await api.get<StatementData>(`/api/v1/producer/statements/${encodeURIComponent(period)}`, { artist }));
    } catch (failure) {
      setShown(null);
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="bs-panel" aria-labelledby="bs-statement">
      <h2 id="bs-statement">Monthly statement</h2>
      <form class="bs-search" onSubmit={show}>
        <label>Month<input type="month" name="period" value={period} required
                           onInput={(event) => setPeriod((event.currentTarget as HTMLInputElement).value)} /></label>
        <button type="submit" disabled={busy}>{busy ? "Loading…" : "Show statement"}</button>
      </form>
      <ErrorMessage message={error} />
      <div aria-live="polite">
        {shown && (
          <>
            <h3>Statement for {monthName(shown.period)}</h3>
            <dl class="bs-stats">
              <div class="bs-stat"><dt>Your share (pro rata)</dt><dd><span class="bs-stat-value">{formatMoney(shown.amount)}</span>
                <span class="bs-stat-detail">{formatPercent(shown.share, 2)} of the pool</span></dd></div>
              <div class="bs-stat"><dt>Pool</dt><dd><span class="bs-stat-value">{formatMoney(shown.pool)}</span></dd></div>
              <div class="bs-stat"><dt>Your contribution</dt><dd><span class="bs-stat-value">{formatDecimal(shown.contribution)}</span>
                <span class="bs-stat-detail">of {formatDecimal(shown.platform_total)} on the platform</span></dd></div>
              <div class="bs-stat"><dt>If split by listener</dt><dd>
                <span class="bs-stat-value">{formatMoney(shown.user_centric.amount)}</span>
                <span class="bs-stat-detail">from {formatInt(shown.user_centric.subscribers)} paying subscribers</span></dd></div>
            </dl>
            {shown.tracks.length === 0 ? <p class="muted">None of your tracks was played by a subscriber that month.</p> : (
              <div class="bs-table-scroll" role="region" aria-label={`Tracks in ${monthName(shown.period)}`} tabIndex={0}>
                <table class="bs-table">
                  <thead><tr><th scope="col">Track</th><th scope="col" class="num">Plays</th>
                    <th scope="col" class="num">Months since upload</th><th scope="col" class="num">Age factor</th>
                    <th scope="col" class="num">Popularity factor</th><th scope="col" class="num">Producers</th>
                    <th scope="col" class="num">Value</th></tr></thead>
                  <tbody>
                    {shown.tracks.map((t) => (
                      <tr key={t.track_id}>
                        <th scope="row">{t.title ?? "Deleted track"}</th>
                        <td class="num">{formatInt(t.plays)}</td>
                        <td class="num">{formatDecimal(t.months_since_upload)}</td>
                        <td class="num">{formatDecimal(t.age_factor)}</td>
                        <td class="num">{formatDecimal(t.popularity_factor)}</td>
                        <td class="num">{formatInt(t.producer_count)}</td>
                        <td class="num">{formatDecimal(t.value)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </div>
    </section>
  );
}

export function Finances() {
  const state = useProducerGet<FinancesData>("/api/v1/producer/finances");
  return (
    <section aria-labelledby="bs-title">
      <h1 id="bs-title">Finances</h1>
      <Loaded state={state} label="Loading your finances…">
        {(finances) => (
          <>
            <Stripe stripe={finances.stripe} />
            <section class="bs-panel" aria-labelledby="bs-cards">
              <h2 id="bs-cards">Money</h2>
              <dl class="bs-stats bs-cards">
                {CARDS.map(([key, label]) => (
                  <div class="bs-stat"><dt>{label}</dt><dd><Amounts amounts={finances.cards[key]} /></dd></div>
                ))}
              </dl>
              {finances.multi_currency_warning && (
                <p class="bs-note">You earn in several currencies: each card shows one amount per currency, and
                  each currency is paid out on its own.</p>
              )}
              {finances.cached_at && (
                <p class="muted">Stripe's figures as of {formatWhen(finances.cached_at)}
                  {finances.stale ? " — Stripe could not be reached since, so they may be out of date." : "."}</p>
              )}
            </section>
            <Transactions />
            <Statement />
          </>
        )}
      </Loaded>
    </section>
  );
}
