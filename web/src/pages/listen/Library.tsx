// The signed-in listener's library (/library): listening history, playlists (create; open one to rename it or
// remove beats) and likes (beats, collections, producers).
import { useState } from "preact/hooks";
import { api, ApiError, errorMessage } from "../../api";
import { useSession } from "../../session";
import { Link, navigate, useLocation } from "../../router";
import { ErrorMessage, Loading } from "../../components/Status";
import { Cover } from "../../components/Cover";
import { TrackCard } from "../../components/TrackCard";
import type { Track } from "../../types";
import type { Artist, Collection, HistoryEntry, PlaylistSummary } from "./types";
import { currentTab, moment, PagedList, Tabs, usePaged, type Tab } from "./lists";
import { ArtistRow, PlaylistRow } from "./UserPage";
import { LoginPrompt } from "./TrackActions";
import "./listen.css";

const TABS: Tab[] = [
  { id: "history", label: "History" },
  { id: "playlists", label: "Playlists" },
  { id: "likes", label: "Likes" },
];

export function Library() {
  const { ready, me } = useSession();
  const { search } = useLocation();
  if (!ready) return <Loading />;
  if (!me) {
    return (
      <section>
        <h1>Your library</h1>
        <LoginPrompt action="see your listening history, playlists and likes" />
      </section>
    );
  }
  const tab = currentTab(search, TABS);
  return (
    <section aria-labelledby="library-title">
      <h1 id="library-title">Your library</h1>
      <Tabs tabs={TABS} current={tab} base="/library" label="Library sections" />
      <section class="tab-panel" aria-label={TABS.find((t) => t.id === tab)!.label}>
        {tab === "history" && <History />}
        {tab === "playlists" && <Playlists />}
        {tab === "likes" && <Likes kind={search.get("kind") ?? "tracks"} />}
      </section>
    </section>
  );
}

function History() {
  const paged = usePaged<HistoryEntry>("/api/v1/me/history");
  return (
    <PagedList paged={paged} label="Listening history" empty="Nothing played yet. Beats you listen to show up here.">
      {(entry) => (
        <li class="row track-row" key={entry.id}>
          <Cover src={entry.track.links.cover} title={entry.track.name} size={48} />
          <span class="row-main">
            <Link href={`/tracks/${entry.track.id}`}>{entry.track.name}</Link>
            <span class="muted">{entry.track.artists.join(", ")}</span>
          </span>
          <span class="muted">
            <time dateTime={entry.listened_at}>{moment(entry.listened_at)}</time>
            {entry.counted ? " · play counted" : ""}
          </span>
        </li>
      )}
    </PagedList>
  );
}

function Playlists() {
  const paged = usePaged<PlaylistSummary>("/api/v1/me/playlists");
  const [error, setError] = useState("");
  const [fieldError, setFieldError] = useState("");
  const [busy, setBusy] = useState(false);

  const onCreate = async (event: Event) => {
    event.preventDefault();
    const element = event.currentTarget as HTMLFormElement;
    const form = new FormData(element);
    setBusy(true);
    setError("");
    setFieldError("");
    try {
      const created = await api.post<PlaylistSummary>("/api/v1/playlists", {
        name: String(form.get("name") ?? "").trim(), public: form.get("public") === "on" });
      navigate(`/playlists/${created.id}`);
    } catch (failure) {
      if (failure instanceof ApiError && failure.fields.name) setFieldError(failure.fields.name.join(" "));
      else setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack">
      <form class="panel inline-form" onSubmit={onCreate} aria-label="Create a playlist" noValidate>
        <label>New playlist name
          <input name="name" maxLength={100} aria-invalid={fieldError ? true : undefined}
                 aria-describedby={fieldError ? "new-playlist-error" : undefined} />
        </label>
        <label class="check"><input type="checkbox" name="public" defaultChecked /> Public</label>
        <button type="submit" disabled={busy}>{busy ? "Creating…" : "Create playlist"}</button>
        {fieldError && <span class="field-error" id="new-playlist-error" role="alert">{fieldError}</span>}
      </form>
      <ErrorMessage message={error} />
      <PagedList paged={paged} label="Your playlists" empty="No playlists yet. Create one, or add a beat from its page.">
        {(playlist) => <PlaylistRow playlist={playlist} />}
      </PagedList>
    </div>
  );
}

const KINDS = [
  { id: "tracks", label: "Beats" },
  { id: "collections", label: "Collections" },
  { id: "producers", label: "Producers" },
];

function Likes({ kind }: { kind: string }) {
  const current = KINDS.some((k) => k.id === kind) ? kind : "tracks";
  const paged = usePaged<Track | Collection | Artist>("/api/v1/me/likes", { kind: current });
  return (
    <div class="stack">
      <nav class="subtabs" aria-label="Kinds of likes">
        {KINDS.map((k) => (
          <Link href={`/library?tab=likes&kind=${k.id}`} class="tab" aria-current={k.id === current ? "page" : undefined}>
            {k.label}
          </Link>
        ))}
      </nav>
      <PagedList paged={paged} label={`Liked ${KINDS.find((k) => k.id === current)!.label.toLowerCase()}`}
                 empty="Nothing liked yet." className={current === "producers" ? "rows" : "grid"}>
        {(item) => current === "tracks" ? <TrackCard key={item.id} track={item as Track} />
          : current === "producers" ? <ArtistRow artist={item as Artist} />
          : (
            <li class="card" key={item.id}>
              <Link class="card-link" href={`/artists/${(item as Collection).artist_id}?tab=albums`}>
                <Cover src={(item as Collection).links?.cover ?? `/api/v1/collections/${item.id}/cover`}
                       title={(item as Collection).name} />
                <span class="card-title">{(item as Collection).name}</span>
                <span class="card-sub">{(item as Collection).artists.join(", ")}</span>
              </Link>
            </li>
          )}
      </PagedList>
    </div>
  );
}
