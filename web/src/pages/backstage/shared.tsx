// The Backstage frame: who may see it (producers), the section nav, the artist switcher (`artist=<id>` on every
// producer endpoint, kept in the page's address), and the fetch-and-show helpers every section uses, with the
// "No Artist Profile" state for a producer whose artist page does not exist (the API's 404 "no artist profile").
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, errorMessage, type Page } from "../../api";
import { Link, navigate, useLocation } from "../../router";
import { useSession } from "../../session";
import { ErrorMessage, Loading } from "../../components/Status";
import type { ArtistRef, Money } from "./types";
import "./backstage.css";

// -- formatting ----------------------------------------------------------------------------------------------------

const INTEGER = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export const formatInt = (value: number) => INTEGER.format(value);
export const formatDecimal = (value: number) => DECIMAL.format(value);

export function formatPercent(share: number, digits = 1): string {
  return new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: digits }).format(share);
}

/** Cents (the currency's minor unit) as money: 91177 CAD → "CA$911.77". */
export function formatMoney({ amount_cents, currency }: Money, signed = false): string {
  const format = new Intl.NumberFormat(undefined, { style: "currency", currency,
                                                    signDisplay: signed ? "exceptZero" : "auto" });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount_cents / 10 ** digits);
}

/** A calendar date of the API ("2026-03-01"), which is a UTC day. */
export function formatDay(date: string, long = false): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, {
    timeZone: "UTC", year: "numeric", month: long ? "long" : "short", day: "numeric",
    weekday: long ? "long" : undefined });
}

export function formatWhen(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });
}

// -- the artist page shown -----------------------------------------------------------------------------------------

/** The artist page picked by the switcher (`?artist=` in the address), or null for the caller's own. */
export function useArtist(): string | null {
  return useLocation().search.get("artist") || null;
}

export function withArtist(href: string, artist: string | null): string {
  return artist ? `${href}?artist=${encodeURIComponent(artist)}` : href;
}

// The pages the caller manages. GET /api/v1/producer/finances is the API's only list of them (`artists`, the
// Finances switcher); it is asked once per account and kept in memory.
let managed: { user: string; artists: Promise<{ artists: ArtistRef[]; own: string } | null> } | null = null;

function managedArtists(user: string) {
  if (managed?.user !== user) {
    // every page the account manages, the default (the one it has had longest) first
    managed = { user, artists: api.get<Page<ArtistRef>>("/api/v1/me/artists")
      .then((page) => page.items.length ? { artists: page.items.map(({ id, name }) => ({ id, name })),
                                            own: page.items[0].id } : null)
      .catch(() => null) };
  }
  return managed.artists;
}

function ArtistSwitcher({ user }: { user: string }) {
  const { path } = useLocation();
  const artist = useArtist();
  const [choices, setChoices] = useState<{ artists: ArtistRef[]; own: string } | null>(null);
  useEffect(() => {
    let live = true;
    void managedArtists(user).then((found) => live && setChoices(found));
    return () => {
      live = false;
    };
  }, [user]);
  if (!choices || choices.artists.length === 0) return null;
  const onChange = (event: Event) => {
    const id = (event.currentTarget as HTMLSelectElement).value;
    navigate(withArtist(path, id === choices.own ? null : id));
  };
  return (
    <label class="bs-switcher">Artist page
      <select value={artist ?? choices.own} onChange={onChange}>
        {choices.artists.map((page) => <option value={page.id}>{page.name}</option>)}
      </select>
    </label>
  );
}

// -- the frame -----------------------------------------------------------------------------------------------------

const SECTIONS: [href: string, label: string][] = [
  ["/backstage", "Dashboard"],
  ["/backstage/activity", "Activity"],
  ["/backstage/beats", "My Beats"],
  ["/backstage/collections", "My Collections"],
  ["/backstage/finances", "Finances"],
  ["/backstage/progress", "Progress"],
];

export function Backstage({ children }: { children: ComponentChildren }) {
  const { ready, me } = useSession();
  const { path } = useLocation();
  const artist = useArtist();
  if (!ready) return <Loading label="Checking your account…" />;
  if (!me) {
    return (
      <section class="narrow">
        <h1>Backstage</h1>
        <p>Backstage is where producers see their numbers. <Link href={`/login?next=${encodeURIComponent(path)}`}>
          Log in</Link> with your producer account to open it.</p>
      </section>
    );
  }
  if (!me.roles.includes("producer")) {
    return (
      <section class="narrow">
        <h1>Backstage is for producers</h1>
        <p>Your account ({me.username}) is a listener account. Backstage shows a producer's plays, beats, money and
          progress; it opens once a Producer Program application is approved.</p>
        <p><Link href="/">Back to the beats</Link> · <Link href="/leaderboards">See the leaderboards</Link></p>
      </section>
    );
  }
  return (
    <div class="backstage">
      <div class="bs-top">
        <nav aria-label="Backstage" class="bs-nav">
          {SECTIONS.map(([href, label]) => (
            <Link href={withArtist(href, artist)} aria-current={path === href ? "page" : undefined}>{label}</Link>
          ))}
          <Link href="/leaderboards">Leaderboards</Link>
        </nav>
        <ArtistSwitcher user={me.id} />
      </div>
      <div class="bs-body">{children}</div>
    </div>
  );
}

// -- fetching ------------------------------------------------------------------------------------------------------

export interface Fetched<T> {
  data: T | null;
  error: unknown;
  reload: () => void;
  set: (data: T) => void;
}

type Query = Record<string, string | number | null | undefined>;

/** GET a producer endpoint for the page picked by the switcher; again when the page or the query changes. */
export function useProducerGet<T>(path: string, query: Query = {}): Fetched<T> {
  const artist = useArtist();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const key = JSON.stringify([path, artist, query, tick]);
  useEffect(() => {
    const controller = new AbortController();
    setData(null);
    setError(null);
    api.get<T>(path, { ...query, artist }, controller.signal)
      .then(setData)
      .catch((failure) => {
        if (!controller.signal.aborted) setError(failure);
      });
    return () => controller.abort();
  }, [key]);
  return { data, error, reload: () => setTick((n) => n + 1), set: setData };
}

export interface More {
  busy: boolean;
  error: string;
  load: () => Promise<void>;
}

/** The next page of a list ``useProducerGet`` loaded, appended to it (the "More" button of My Beats and My
 * Collections); its failure is said beside the button and keeps what is shown. */
export function useMore<P extends { items: unknown[]; next: string | null }>(state: Fetched<P>, path: string,
                                                                            query: Query): More {
  const artist = useArtist();
  const [more, setMore] = useState({ busy: false, error: "" });
  const load = async () => {
    const current = state.data;
    if (!current?.next) return;
    setMore({ busy: true, error: "" });
    try {
      const page = await api.get<P>(path, { ...query, cursor: current.next, artist });
      state.set({ ...page, items: [...current.items, ...page.items] });
      setMore({ busy: false, error: "" });
    } catch (failure) {
      setMore({ busy: false, error: errorMessage(failure) });
    }
  };
  return { ...more, load };
}

export function isNoArtistProfile(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && /no artist profile/i.test(error.message);
}

export function NoArtistProfile() {
  return (
    <div class="empty" role="alert">
      <p class="empty-title">No Artist Profile</p>
      <p>Your producer account has no artist page yet, so there is nothing to show here. The page is made when your
        Producer Program application is approved — if that happened moments ago, reload in a few seconds.</p>
      <button type="button" onClick={() => location.reload()}>Reload</button>
    </div>
  );
}

/** The three states of a fetched section: loading, refused (with the API's message), or its content. */
export function Loaded<T>({ state, label, children }:
  { state: Fetched<T>; label: string; children: (data: T) => ComponentChildren }) {
  if (isNoArtistProfile(state.error)) return <NoArtistProfile />;
  if (state.error) return <ErrorMessage message={errorMessage(state.error)} />;
  if (state.data === null) return <Loading label={label} />;
  return <>{children(state.data)}</>;
}

export function Stat({ label, value, detail }: { label: string; value: ComponentChildren; detail?: ComponentChildren }) {
  return (
    <div class="bs-stat">
      <dt>{label}</dt>
      <dd><span class="bs-stat-value">{value}</span>{detail && <span class="bs-stat-detail">{detail}</span>}</dd>
    </div>
  );
}
