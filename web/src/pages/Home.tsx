// The catalog: newest first, filtered by genre, BPM range, key, scale and licensing, searched by text, one page at
// a time. The filters live in the URL (?genre=…&licensing=…), so a filtered list survives a reload and can be shared;
// the selects show the URL's choice through their options' `selected` (Preact has no `defaultValue` on a select).
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Page } from "../api";
import type { Track } from "../types";
import { TrackCard } from "../components/TrackCard";
import { Empty, ErrorMessage, Loading } from "../components/Status";
import { navigate, useLocation } from "../router";

const KEYS = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
const FILTERS = ["q", "genre", "bpm_min", "bpm_max", "key", "scale", "licensing"] as const;
/** GET /tracks?licensing= (docs/api.md "The licensing filter"), in words a listener understands */
const LICENSING: [string, string][] = [
  ["standard", "Standard licence"],
  ["standard_exclusive", "Standard + exclusive"],
  ["exclusive_only", "Exclusive only"],
  ["exclusive_available", "Exclusive for sale"],
];

export function Home() {
  const { search } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((name) => [name, search.get(name) ?? ""]));
  const [tracks, setTracks] = useState<Track[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [loadingMore, setLoadingMore] = useState(false);
  const key = search.toString();

  useEffect(() => {
    const controller = new AbortController();
    setTracks(null);
    setError("");
    api.get<Page<Track>>("/api/v1/tracks", { ...filters, sort: "newest", limit: 24 }, controller.signal)
      .then((page) => {
        setTracks(page.items);
        setNext(page.next);
      })
      .catch((failure) => {
        setError(errorMessage(failure));
        setTracks([]);
      });
    return () => controller.abort();
  }, [key]);

  const loadMore = async () => {
    if (!next) return;
    setLoadingMore(true);
    try {
      const page = await api.get<Page<Track>>("/api/v1/tracks", { ...filters, sort: "newest", limit: 24, cursor: next });
      setTracks((current) => [...(current ?? []), ...page.items]);
      setNext(page.next);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setLoadingMore(false);
    }
  };

  const onSubmit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const params = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(form.get(name) ?? "").trim();
      if (value) params.set(name, value);
    }
    navigate(params.toString() ? `/?${params}` : "/");
  };

  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">Newest beats</h1>
      <form class="filters" onSubmit={onSubmit} role="search" aria-label="Filter the catalog">
        <label>Search<input name="q" type="search" defaultValue={filters.q} maxLength={200} /></label>
        <label>Genre<input name="genre" defaultValue={filters.genre} maxLength={50} /></label>
        <label>BPM from<input name="bpm_min" type="number" min={50} max={200} defaultValue={filters.bpm_min} /></label>
        <label>BPM to<input name="bpm_max" type="number" min={50} max={200} defaultValue={filters.bpm_max} /></label>
        <label>Key
          <select name="key">
            <option value="">Any</option>
            {KEYS.map((k) => <option value={k} selected={filters.key === k}>{k}</option>)}
          </select>
        </label>
        <label>Scale
          <select name="scale">
            <option value="">Any</option>
            <option value="major" selected={filters.scale === "major"}>major</option>
            <option value="minor" selected={filters.scale === "minor"}>minor</option>
          </select>
        </label>
        <label>Licensing
          <select name="licensing">
            <option value="">Any</option>
            {LICENSING.map(([value, label]) => <option value={value} selected={filters.licensing === value}>{label}</option>)}
          </select>
        </label>
        <button type="submit">Apply</button>
      </form>
      <ErrorMessage message={error} />
      {tracks === null ? <Loading label="Loading the newest beats…" /> : tracks.length === 0 && !error ? (
        <Empty title="No beats match yet.">
          <p>{key ? "Try fewer filters." : "Producers have not published anything yet."}</p>
        </Empty>
      ) : (
        <ul class="grid" aria-label="Tracks">{tracks.map((track) => <TrackCard key={track.id} track={track} />)}</ul>
      )}
      {next && <button type="button" class="more" onClick={loadMore} disabled={loadingMore}>
        {loadingMore ? "Loading…" : "More beats"}</button>}
    </section>
  );
}
