// A track's owner edits it: metadata (PATCH /tracks/{id}, only what changed), the exclusive settings, and the cover
// (a new image: PUT /tracks/{id}/cover; or a preset: cover_preset).
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage } from "../../api";
import { Link } from "../../router";
import { ErrorMessage, Loading } from "../../components/Status";
import { Cover } from "../../components/Cover";
import { Gate, sendWithProgress } from "./forms";
import { DropZone, PresetPicker, TrackFields } from "./TrackFields";
import { apiErrors, centsToPrice, checkTrack, EMPTY_DRAFT, isExclusive, missingEndpoint, trackMetadata, type Errors,
         type TrackDraft } from "./rules";
import type { OwnTrack } from "./types";
import "./produce.css";

export function draftOf(track: OwnTrack): TrackDraft {
  return {
    ...EMPTY_DRAFT,
    name: track.name,
    artists: track.artists.join(", "),
    bpm: track.bpm === null ? "" : String(track.bpm),
    key: track.key ?? "",
    scale: track.scale ?? "",
    genres: track.genres.join(", "),
    tags: track.tags.join(", "),
    description: track.description ?? "",
    licensing_model: track.licensing_model,
    sample_clearance: track.sample_clearance ?? "",
    price: track.exclusive ? centsToPrice(track.exclusive.price_cents) : "",
    currency: track.exclusive?.currency ?? "USD",
    contact_email: track.exclusive?.contact_email ?? "",
    exclusive_status: track.exclusive?.status ?? "available",
  };
}

/** PATCH's body: the fields whose value changed (the exclusive terms whole, when any of them did). */
function changes(before: TrackDraft, after: TrackDraft): Record<string, unknown> {
  const old = trackMetadata(before);
  const now = trackMetadata(after);
  const body: Record<string, unknown> = {};
  for (const field of ["name", "artists", "bpm", "key", "scale", "genres", "tags", "licensing_model", "sample_clearance"]) {
    if (JSON.stringify(old[field]) !== JSON.stringify(now[field]) && now[field] !== undefined) body[field] = now[field];
  }
  if ((old.description ?? "") !== (now.description ?? "")) body.description = now.description ?? "";
  if (isExclusive(after.licensing_model) && JSON.stringify(old.exclusive) !== JSON.stringify(now.exclusive)) {
    body.exclusive = now.exclusive;
  }
  return body;
}

export function TrackEdit({ id }: { id: string }) {
  return <Gate role="producer" what="edit tracks">{(me) => <TrackEditPage id={id} userId={me.id} />}</Gate>;
}

function TrackEditPage({ id, userId }: { id: string; userId: string }) {
  const [track, setTrack] = useState<OwnTrack | null>(null);
  const [draft, setDraft] = useState<TrackDraft>(EMPTY_DRAFT);
  const [loadError, setLoadError] = useState("");
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const [coverVersion, setCoverVersion] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    api.get<OwnTrack>(`/api/v1/tracks/${encodeURIComponent(id)}`, {}, controller.signal)
      .then((loaded) => {
        setTrack(loaded);
        setDraft(draftOf(loaded));
      })
      .catch((failure) => setLoadError(errorMessage(failure)));
    return () => controller.abort();
  }, [id]);

  if (loadError) return <section><h1>Edit track</h1><ErrorMessage message={loadError} /></section>;
  if (!track) return <Loading label="Loading the track…" />;
  if (track.producer_user_id && track.producer_user_id !== userId) {
    return <section class="narrow"><h1>Edit track</h1><p>Only the track's producer can edit it.</p>
      <Link href={`/tracks/${track.id}`}>Back to the track</Link></section>;
  }

  const local = checkTrack(draft, { upload: false, hasCoverFile: true });
  const shown = (field: string) => local[field] ?? (serverErrors[field]?.length ? serverErrors[field] : undefined);
  const onDraft = (field: keyof TrackDraft, value: string) => {
    setDraft((current) => ({ ...current, [field]: value }));
    setServerErrors({});
    setStatus("");
  };
  const soldLocked = track.exclusive?.status === "sold";

  const onSave = async (event: Event) => {
    event.preventDefault();
    setError("");
    setStatus("");
    if (Object.keys(local).length) {
      setError("Some fields need fixing: see the reasons beside them.");
      return;
    }
    const body = changes(draftOf(track), draft);
    if (!Object.keys(body).length) {
      setStatus("Nothing changed.");
      return;
    }
    setBusy(true);
    try {
      const saved = await api.patch<OwnTrack>(`/api/v1/tracks/${track.id}`, body);
      setTrack(saved);
      setDraft(draftOf(saved));
      setStatus(saved.exclusive && isExclusive(saved.licensing_model)
        ? `Saved. Exclusive: ${centsToPrice(saved.exclusive.price_cents)} ${saved.exclusive.currency}, ${saved.exclusive.status}.`
        : "Saved.");
    } catch (failure) {
      setError(errorMessage(failure));
      setServerErrors(apiErrors(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="edit-title" class="produce">
      <h1 id="edit-title">Edit “{track.name}”</h1>
      <p class="muted">
        <span class={`badge ${track.status}`}>{track.status}</span>{" "}
        <Link href={`/tracks/${track.id}`}>Open the track page</Link>
      </p>
      {track.status === "rejected" && track.rejection && (
        <p class="error" role="alert">The audio was refused: {track.rejection.message}</p>
      )}
      <form onSubmit={onSave} class="stack form-panel" noValidate aria-labelledby="details-title">
        <h2 id="details-title">Details and licensing</h2>
        <TrackFields prefix="edit" draft={draft} onDraft={onDraft} shown={shown} soldLocked={soldLocked} />
        <ErrorMessage message={error} />
        <p role="status" aria-live="polite" class="ok">{status}</p>
        <button type="submit" disabled={busy}>{busy ? "Saving…" : "Save changes"}</button>
      </form>
      <CoverEditor kind="tracks" id={track.id} name={track.name} genres={track.genres.join(", ")}
                   preset={track.cover_preset ?? ""} coverUrl={`${track.links.cover}?v=${coverVersion}`}
                   onChanged={(updated) => {
                     setTrack(updated as OwnTrack);
                     setCoverVersion((version) => version + 1);
                   }} />
    </section>
  );
}

/** Replace a track's or a collection's cover: a new image (PUT …/cover), or a preset (PATCH cover_preset). */
export function CoverEditor({ kind, id, name, genres, preset, coverUrl, onChanged }: {
  kind: "tracks" | "collections"; id: string; name: string; genres: string; preset: string; coverUrl: string;
  onChanged: (updated: unknown) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [chosen, setChosen] = useState(preset);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const [fileErrors, setFileErrors] = useState<string[] | undefined>();

  const replace = async () => {
    if (!file) {
      setFileErrors(["Choose a cover image (PNG, JPEG or WebP)."]);
      return;
    }
    const form = new FormData();
    form.append("cover", file, file.name);
    setBusy(true);
    setError("");
    setStatus("");
    try {
      const updated = await sendWithProgress("PUT", `/api/v1/${kind}/${id}/cover`, form, () => undefined);
      setStatus("The new cover is saved.");
      setFile(null);
      onChanged(updated);
    } catch (failure) {
      if (missingEndpoint(failure)) setError("Replacing a cover image is not available on this server yet.");
      else {
        setError(errorMessage(failure));
        setFileErrors(apiErrors(failure).cover);
      }
    } finally {
      setBusy(false);
    }
  };

  const usePreset = async () => {
    if (!chosen) {
      setError("Choose a preset cover first.");
      return;
    }
    setBusy(true);
    setError("");
    setStatus("");
    try {
      const updated = await api.patch(`/api/v1/${kind}/${id}`, { cover_preset: chosen });
      setStatus("The preset cover is saved.");
      onChanged(updated);
    } catch (failure) {
      setError(missingEndpoint(failure) ? "Changing this cover is not available on this server yet." : errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="stack form-panel" aria-labelledby={`${kind}-cover-title`}>
      <h2 id={`${kind}-cover-title`}>Cover</h2>
      <div class="cover-edit">
        <div class="cover-now"><Cover src={coverUrl} title={name} size={160} alt={`Current cover of ${name}`} /></div>
        <div class="stack">
          <DropZone id={`${kind}-cover-file`} label="Choose a new image" accept="image/png,image/jpeg,image/webp"
                    file={file} onFile={(picked) => {
                      setFile(picked);
                      setFileErrors(undefined);
                    }} errors={fileErrors} hint="PNG, JPEG or WebP; it replaces the current cover"
                    testId={`${kind}-cover-drop`} />
          <button type="button" onClick={replace} disabled={busy}>Replace the cover</button>
        </div>
      </div>
      <PresetPicker prefix={`${kind}-edit`} genres={genres} value={chosen} onValue={setChosen} />
      <button type="button" class="secondary" onClick={usePreset} disabled={busy}>Use the preset cover</button>
      <ErrorMessage message={error} />
      <p role="status" aria-live="polite" class="ok">{status}</p>
    </section>
  );
}
