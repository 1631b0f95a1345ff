// What the listener pages share: one page of a list at a time with a "More" button, tabs kept in the address
// (?tab=…, so a reload or a shared link opens the same tab), and dates in words.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Page } from "../../api";
import { Empty, ErrorMessage } from "../../components/Status";
import { Link } from "../../router";

type Query = Record<string, string | number | boolean | null | undefined>;

export interface Paged<T> {
  items: T[] | null;
  total: number;
  error: string;
  next: string | null;
  loadingMore: boolean;
  more: () => Promise<void>;
  setItems: (update: (items: T[]) => T[]) => void;
  reload: () => void;
}

/** The first page of `path`, then more on demand; `path` null waits (e.g. until the session is known). */
export function usePaged<T>(path: string | null, query: Query = {}): Paged<T> {
  const [items, setItemsState] = useState<T[] | null>(null);
  const [total, setTotal] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [loadingMore, setLoadingMore] = useState(false);
  const [tick, setTick] = useState(0);
  const key = `${path}?${JSON.stringify(query)}`;

  useEffect(() => {
    if (!path) return;
    const controller = new AbortController();
    setItemsState(null);
    setError("");
    api.get<Page<T>>(path, { limit: 20, ...query }, controller.signal)
      .then((page) => {
        setItemsState(page.items);
        setTotal(page.total);
        setNext(page.next);
      })
      .catch((failure) => {
        if (controller.signal.aborted) return;
        setError(errorMessage(failure));
        setItemsState([]);
      });
    return () => controller.abort();
  }, [key, tick]);

  const more = async () => {
    if (!path || !next) return;
    setLoadingMore(true);
    try {
      const page = await api.get<Page<T>>(path, { limit: 20, ...query, cursor: next });
      setItemsState((current) => [...(current ?? []), ...page.items]);
      setNext(page.next);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setLoadingMore(false);
    }
  };
  const setItems = (update: (items: T[]) => T[]) => setItemsState((current) => update(current ?? []));
  return { items, total, error, next, loadingMore, more, setItems, reload: () => setTick((n) => n + 1) };
}

/** A paged list: loading, the API's error, an empty state, the items, and "More". */
export function PagedList<T>({ paged, label, empty, children, as = "ul", className = "rows" }: {
  paged: Paged<T>;
  label: string;
  empty: ComponentChildren;
  children: (item: T) => ComponentChildren;
  as?: "ul" | "ol";
  className?: string;
}) {
  const { items, error, next, loadingMore, more } = paged;
  const List = as;
  return (
    <>
      <ErrorMessage message={error} />
      {items === null ? <p class="muted" aria-live="polite">Loading…</p> : items.length === 0 ? (error ? null : <Empty title={String(empty)} />) : (
        <List class={className} aria-label={label}>{items.map(children)}</List>
      )}
      {next && <button type="button" class="more" onClick={more} disabled={loadingMore}>
        {loadingMore ? "Loading…" : "More"}</button>}
    </>
  );
}

export interface Tab { id: string; label: string; count?: number }

/** Section links kept in the address (?tab=id); the current one is marked for screen readers. */
export function Tabs({ tabs, current, base, label }: { tabs: Tab[]; current: string; base: string; label: string }) {
  return (
    <nav class="tabs" aria-label={label}>
      {tabs.map((tab) => (
        <Link href={tab.id === tabs[0].id ? base : `${base}?tab=${tab.id}`} class="tab"
              aria-current={tab.id === current ? "page" : undefined}>
          {tab.label}{tab.count !== undefined && <span class="tab-count"> {tab.count}</span>}
        </Link>
      ))}
    </nav>
  );
}

export function currentTab(search: URLSearchParams, tabs: Tab[]): string {
  const wanted = search.get("tab");
  return tabs.some((tab) => tab.id === wanted) ? wanted! : tabs[0].id;
}

export function day(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

export function moment(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric",
                                                   hour: "numeric", minute: "2-digit" });
}

export function plural(count: number, one: string, many = one + "s"): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

export function money(cents: unknown, currency: unknown): string {
  const amount = typeof cents === "number" ? cents / 100 : 0;
  const code = typeof currency === "string" ? currency.toUpperCase() : "CAD";
  try {
    return amount.toLocaleString(undefined, { style: "currency", currency: code });
  } catch {
    return `${amount.toFixed(2)} ${code}`;
  }
}
