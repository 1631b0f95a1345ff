// A playlist (/playlists/:id): its beats in order; its owner renames it, makes it public or private, removes
// beats and deletes it.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, errorMessage } from "../../api";
import { useSession } from "../../session";
import { Link, navigate } from "../../router";
import { Empty, ErrorMessage, Loading } from "../../components/Status";
import { Cover } from "../../components/Cover";
import type { Playlist } from "./types";
import { day, plural } from "./lists";
import "./listen.css";

export function PlaylistPage({ id }: { id: string }) {
  const { me } = useSession();
  const [playlist, setPlaylist] = useState<Playlist | null>(null);
  const [loadError, setLoadError] = useState<{ status: number; message: string } | null>(null);
  const [error, setError] = useState("");
  const [fieldError, setFieldError] = useState("");
  const [status, setStatus] = useState("");
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    setPlaylist(null);
    setLoadError(null);
    api.get<Playlist>(`/api/v1/playlists/${encodeURIComponent(id)}`, {}, controller.signal)
      .then(setPlaylist)
      .catch((failure) => {
        if (controller.signal.aborted) return;
        setLoadError({ status: failure instanceof ApiError ? failure.status : 0, message: errorMessage(failure) });
      });
    return () => controller.abort();
  }, [id, me?.id]);

  if (loadError) {
    return (
      <section>
        <h1>Playlist</h1>
        {loadError.status === 404 ? (
          <Empty title="No playlist here.">
            <p>It may be private or deleted. {me ? <Link href="/library?tab=playlists">Your playlists</Link>
                                                 : <Link href={`/login?next=/playlists/${id}`}>Log in</Link>}</p>
          </Empty>
        ) : <ErrorMessage message={loadError.message} />}
      </section>
    );
  }
  if (!playlist) return <Loading label="Loading the playlist…" />;
  const owner = me?.id === playlist.owner_id;

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError("");
    setFieldError("");
    setStatus("");
    try {
      await work();
    } catch (failure) {
      if (failure instanceof ApiError && failure.fields.name) setFieldError(failure.fields.name.join(" "));
      else setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const onSave = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    return run(async () => {
      const changed = await api.patch<Playlist>(`/api/v1/playlists/${playlist.id}`, {
        name: String(form.get("name") ?? "").trim(), description: String(form.get("description") ?? "").trim() || null,
        public: form.get("public") === "on" });
      setPlaylist({ ...changed, tracks: changed.tracks ?? playlist.tracks });
      setEditing(false);
      setStatus("Playlist saved.");
    });
  };

  const remove = (trackId: string, name: string) => run(async () => {
    await api.delete(`/api/v1/playlists/${playlist.id}/tracks/${trackId}`);
    const tracks = playlist.tracks.filter((track) => track.id !== trackId);
    setPlaylist({ ...playlist, tracks, track_count: tracks.length });
    setStatus(`Removed ${name}.`);
  });

  const move = (index: number, by: number) => run(async () => {
    const ids = playlist.tracks.map((track) => track.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + by, 0, moved);
    setPlaylist(await api.put<Playlist>(`/api/v1/playlists/${playlist.id}/tracks`, { track_ids: ids }));
    setStatus("Order saved.");
  });

  const onDelete = () => run(async () => {
    if (!confirm(`Delete the playlist ${playlist.name}? Its beats stay on BeatPass.`)) return;
    await api.delete(`/api/v1/playlists/${playlist.id}`);
    navigate("/library?tab=playlists");
  });

  return (
    <section aria-labelledby="playlist-title">
      <h1 id="playlist-title">{playlist.name}</h1>
      <p class="muted">
        {playlist.public ? "Public playlist" : "Private playlist"} by{" "}
        {playlist.owner_username ? <Link href={`/users/${playlist.owner_id}`}>{playlist.owner_username}</Link>
                                 : "a deleted account"} · {plural(playlist.track_count, "beat")} · updated {day(playlist.updated_at)}
      </p>
      {playlist.description && <p class="prose">{playlist.description}</p>}
      {owner && !editing && (
        <div class="action-row">
          <button type="button" class="secondary" onClick={() => setEditing(true)}>Rename or edit</button>
          <button type="button" class="danger" onClick={onDelete} disabled={busy}>Delete playlist</button>
        </div>
      )}
      {owner && editing && (
        <form class="panel stack" onSubmit={onSave} aria-label="Edit the playlist" noValidate>
          <label>Name
            <input name="name" defaultValue={playlist.name} maxLength={100} aria-invalid={fieldError ? true : undefined}
                   aria-describedby={fieldError ? "playlist-name-error" : undefined} />
          </label>
          {fieldError && <span class="field-error" id="playlist-name-error" role="alert">{fieldError}</span>}
          <label>Description
            <textarea name="description" rows={2} maxLength={1000} defaultValue={playlist.description ?? ""} />
          </label>
          <label class="check"><input type="checkbox" name="public" defaultChecked={playlist.public} /> Public</label>
          <div class="action-row">
            <button type="submit" disabled={busy}>{busy ? "Saving…" : "Save"}</button>
            <button type="button" class="secondary" onClick={() => setEditing(false)}>Cancel</button>
          </div>
        </form>
      )}
      <p class="muted" aria-live="polite">{status}</p>
      <ErrorMessage message={error} />
      {playlist.tracks.length === 0 ? (
        <Empty title="No beats in this playlist yet.">
          {owner && <p>Open a beat and choose “Add to playlist”. <Link href="/">Browse beats</Link></p>}
        </Empty>
      ) : (
        <ol class="rows" aria-label={`Beats in ${playlist.name}`}>
          {playlist.tracks.map((track, index) => (
            <li class="row track-row" key={track.id}>
              <Cover src={track.links.cover} title={track.name} size={48} />
              <span class="row-main">
                <Link href={`/tracks/${track.id}`}>{track.name}</Link>
                <span class="muted">{track.artists.join(", ")}</span>
              </span>
              {owner && (
                <span class="row-actions">
                  <button type="button" class="secondary small" disabled={busy || index === 0}
                          aria-label={`Move ${track.name} up`} onClick={() => move(index, -1)}>↑</button>
                  <button type="button" class="secondary small" disabled={busy || index === playlist.tracks.length - 1}
                          aria-label={`Move ${track.name} down`} onClick={() => move(index, 1)}>↓</button>
                  <button type="button" class="secondary small" disabled={busy}
                          aria-label={`Remove ${track.name} from the playlist`}
                          onClick={() => remove(track.id, track.name)}>Remove</button>
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
