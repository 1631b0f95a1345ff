// Collections (beat packs, tapes): create one with its cover (an image or a preset), edit it (PATCH
// /collections/{id}) and replace its cover. Its tracks are uploaded into it from the upload page.
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage } from "../../api";
import { Link, navigate } from "../../router";
import { ErrorMessage, Loading } from "../../components/Status";
import { Gate, TextArea, TextField, sendWithProgress } from "./forms";
import { DropZone, PresetPicker } from "./TrackFields";
import { CoverEditor } from "./TrackEdit";
import { add, apiErrors, ARTIST_NAME_MAX, between, checkNames, DESCRIPTION_MAX, longer, missingEndpoint, MISSING,
         splitList, TRACK_NAME_MAX, type Errors } from "./rules";
import type { Collection } from "./types";
import "./produce.css";

interface CollectionDraft {
  name: string;
  artists: string;
  genres: string;
  tags: string;
  description: string;
}

const EMPTY: CollectionDraft = { name: "", artists: "", genres: "", tags: "", description: "" };

function check(draft: CollectionDraft): Errors {
  const errors: Errors = {};
  const name = draft.name.trim();
  if (!name) add(errors, "name", MISSING);
  else if (name.length > TRACK_NAME_MAX) add(errors, "name", between(1, TRACK_NAME_MAX));
  const artists = splitList(draft.artists);
  if (!artists.length) add(errors, "artists", MISSING);
  checkNames(errors, "artists", artists, ARTIST_NAME_MAX);
  checkNames(errors, "genres", splitList(draft.genres));
  checkNames(errors, "tags", splitList(draft.tags));
  if (draft.description.trim().length > DESCRIPTION_MAX) add(errors, "description", longer(DESCRIPTION_MAX));
  return errors;
}

function metadata(draft: CollectionDraft): Record<string, unknown> {
  const out: Record<string, unknown> = { name: draft.name.trim(), artists: splitList(draft.artists),
                                         genres: splitList(draft.genres), tags: splitList(draft.tags) };
  if (draft.description.trim()) out.description = draft.description.trim();
  return out;
}

function draftOf(collection: Collection): CollectionDraft {
  return { name: collection.name, artists: collection.artists.join(", "), genres: collection.genres.join(", "),
           tags: collection.tags.join(", "), description: collection.description ?? "" };
}

function CollectionFields({ draft, setDraft, shown }: { draft: CollectionDraft; setDraft: (draft: CollectionDraft) => void;
                                                       shown: (field: string) => string[] | undefined }) {
  const set = (field: keyof CollectionDraft) => (value: string) => setDraft({ ...draft, [field]: value });
  return (
    <>
      <div class="grid-2">
        <TextField id="collection-name" label="Collection name" required value={draft.name} onValue={set("name")}
                   errors={shown("name")} />
        <TextField id="collection-artists" label="Artists" required value={draft.artists} onValue={set("artists")}
                   errors={shown("artists")} hint="Separated by commas; the collection's tracks take them" />
        <TextField id="collection-genres" label="Genres" value={draft.genres} onValue={set("genres")}
                   errors={shown("genres")} hint="Separated by commas" />
        <TextField id="collection-tags" label="Tags" value={draft.tags} onValue={set("tags")} errors={shown("tags")}
                   hint="Separated by commas" />
      </div>
      <TextArea id="collection-description" label="Description" value={draft.description}
                onValue={set("description")} errors={shown("description")} />
    </>
  );
}

export function NewCollection() {
  return <Gate role="producer" what="create collections">{() => <NewCollectionPage />}</Gate>;
}

function NewCollectionPage() {
  const [draft, setDraft] = useState<CollectionDraft>(EMPTY);
  const [cover, setCover] = useState<File | null>(null);
  const [coverMode, setCoverMode] = useState<"file" | "preset">("file");
  const [preset, setPreset] = useState("");
  const [touched, setTouched] = useState(false);
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const local = check(draft);
  if (coverMode === "file" && !cover) local.cover = ["Choose a cover image (PNG, JPEG or WebP)."];
  if (coverMode === "preset" && !preset) local.cover = ["Choose a preset cover."];
  const shown = (field: string) => (touched ? local[field] : undefined) ?? serverErrors[field];

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setTouched(true);
    setError("");
    if (Object.keys(local).length) {
      setError("Some fields need fixing: see the reasons beside them.");
      return;
    }
    const form = new FormData();
    form.append("metadata", JSON.stringify({ ...metadata(draft), ...(coverMode === "preset" ? { cover_preset: preset } : {}) }));
    if (coverMode === "file" && cover) form.append("cover", cover, cover.name);
    setBusy(true);
    try {
      const created = await sendWithProgress<Collection>("POST", "/api/v1/collections", form, () => undefined);
      navigate(`/collections/${created.id}/edit`);
    } catch (failure) {
      setError(errorMessage(failure));
      setServerErrors(apiErrors(failure, "metadata"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="collection-title" class="produce">
      <h1 id="collection-title">New collection</h1>
      <p class="muted">A beat pack or a tape: its tracks are uploaded into it and take its artists, genres and tags.</p>
      <form onSubmit={onSubmit} class="stack form-panel" noValidate>
        <CollectionFields draft={draft} setDraft={(next) => {
          setDraft(next);
          setTouched(true);
        }} shown={shown} />
        <fieldset class="cover-choice">
          <legend>Cover <span aria-hidden="true">*</span></legend>
          <div class="modes">
            <label class="choice"><input type="radio" name="collection-cover-mode" checked={coverMode === "file"}
                                         onChange={() => setCoverMode("file")} /> My own image</label>
            <label class="choice"><input type="radio" name="collection-cover-mode" checked={coverMode === "preset"}
                                         onChange={() => setCoverMode("preset")} /> A preset cover</label>
          </div>
          {coverMode === "file" ? (
            <DropZone id="collection-cover" label="Choose a cover image" accept="image/png,image/jpeg,image/webp"
                      file={cover} onFile={setCover} errors={shown("cover")} hint="PNG, JPEG or WebP"
                      testId="collection-cover-drop" />
          ) : (
            <PresetPicker prefix="collection" genres={draft.genres} value={preset} onValue={setPreset}
                          errors={shown("cover") ?? shown("cover_preset")} />
          )}
        </fieldset>
        <ErrorMessage message={error} />
        <button type="submit" disabled={busy}>{busy ? "Creating…" : "Create the collection"}</button>
      </form>
    </section>
  );
}

export function CollectionEdit({ id }: { id: string }) {
  return <Gate role="producer" what="edit collections">{() => <CollectionEditPage id={id} />}</Gate>;
}

function CollectionEditPage({ id }: { id: string }) {
  const [collection, setCollection] = useState<Collection | null>(null);
  const [draft, setDraft] = useState<CollectionDraft>(EMPTY);
  const [loadError, setLoadError] = useState("");
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    api.get<Collection>(`/api/v1/collections/${encodeURIComponent(id)}`, {}, controller.signal)
      .then((loaded) => {
        setCollection(loaded);
        setDraft(draftOf(loaded));
      })
      .catch((failure) => setLoadError(errorMessage(failure)));
    return () => controller.abort();
  }, [id]);

  if (loadError) return <section><h1>Edit collection</h1><ErrorMessage message={loadError} /></section>;
  if (!collection) return <Loading label="Loading the collection…" />;
  const local = check(draft);
  const shown = (field: string) => local[field] ?? (serverErrors[field]?.length ? serverErrors[field] : undefined);

  const onSave = async (event: Event) => {
    event.preventDefault();
    setError("");
    setStatus("");
    if (Object.keys(local).length) {
      setError("Some fields need fixing: see the reasons beside them.");
      return;
    }
    const before = metadata(draftOf(collection));
    const after = metadata(draft);
    const body = Object.fromEntries(Object.entries(after).filter(([key, value]) =>
      JSON.stringify(before[key]) !== JSON.stringify(value)));
    if (before.description && !after.description) body.description = "";
    if (!Object.keys(body).length) {
      setStatus("Nothing changed.");
      return;
    }
    setBusy(true);
    try {
      const saved = await api.patch<Collection>(`/api/v1/collections/${collection.id}`, body);
      setCollection(saved);
      setDraft(draftOf(saved));
      setStatus("Saved.");
    } catch (failure) {
      setError(missingEndpoint(failure) ? "Editing a collection is not available on this server yet."
                                        : errorMessage(failure));
      setServerErrors(apiErrors(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="collection-edit-title" class="produce">
      <h1 id="collection-edit-title">Edit “{collection.name}”</h1>
      <p class="muted">{collection.track_ids.length} track{collection.track_ids.length === 1 ? "" : "s"} ·{" "}
        <Link href="/upload">Upload a beat into it</Link></p>
      <form onSubmit={onSave} class="stack form-panel" noValidate>
        <CollectionFields draft={draft} setDraft={(next) => {
          setDraft(next);
          setStatus("");
        }} shown={shown} />
        <ErrorMessage message={error} />
        <p role="status" aria-live="polite" class="ok">{status}</p>
        <button type="submit" disabled={busy}>{busy ? "Saving…" : "Save changes"}</button>
      </form>
      <CoverEditor kind="collections" id={collection.id} name={collection.name} genres={collection.genres.join(", ")}
                   preset={collection.cover_preset ?? ""}
                   coverUrl={`${collection.links?.cover ?? `/api/v1/collections/${collection.id}/cover`}?v=${version}`}
                   onChanged={(updated) => {
                     setCollection(updated as Collection);
                     setVersion((value) => value + 1);
                   }} />
    </section>
  );
}
