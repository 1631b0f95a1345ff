// Upload a beat: the audio dropped or picked, its metadata checked as it is typed (the API's rules and messages,
// rules.ts), the upload with a progress bar, then processing → published, or the rejection's reason, as it happens.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorMessage } from "../../api";
import { Link } from "../../router";
import { ErrorMessage } from "../../components/Status";
import { Gate, SelectField, sendWithProgress } from "./forms";
import { DropZone, PresetPicker, TrackFields } from "./TrackFields";
import { add, apiErrors, checkTrack, EMPTY_DRAFT, MISSING, trackMetadata, type Errors, type TrackDraft } from "./rules";
import type { CollectionStats, OwnTrack } from "./types";
import "./produce.css";

type Phase =
  | { step: "form" }
  | { step: "uploading"; fraction: number }
  | { step: "processing"; id: string }
  | { step: "done"; track: OwnTrack };

type CoverMode = "file" | "preset" | "collection";

const POLL_MS = 1000;
const POLL_GIVE_UP_MS = 10 * 60 * 1000;

export function Upload() {
  return <Gate role="producer" what="upload beats">{() => <UploadPage />}</Gate>;
}

function UploadPage() {
  const [draft, setDraft] = useState<TrackDraft>(EMPTY_DRAFT);
  const [audio, setAudio] = useState<File | null>(null);
  const [cover, setCover] = useState<File | null>(null);
  const [coverMode, setCoverMode] = useState<CoverMode>("preset");
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [error, setError] = useState("");
  const [phase, setPhase] = useState<Phase>({ step: "form" });
  const [collections, setCollections] = useState<CollectionStats[]>([]);
  const result = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api.get<{ items: CollectionStats[] }>("/api/v1/producer/collections", { limit: 100 })
      .then((page) => setCollections(page.items))
      .catch(() => setCollections([]));
  }, []);

  // processing → published or rejected, polled until it settles
  useEffect(() => {
    if (phase.step !== "processing") return;
    let stopped = false;
    const started = Date.now();
    const poll = async () => {
      if (stopped) return;
      try {
        const track = await api.get<OwnTrack>(`/api/v1/tracks/${phase.id}`);
        if (track.status !== "processing") {
          setPhase({ step: "done", track });
          return;
        }
      } catch {
        // a passing failure: ask again
      }
      if (Date.now() - started > POLL_GIVE_UP_MS) {
        setError("The audio is still being checked. It will show in Backstage when it is done.");
        return;
      }
      setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [phase.step === "processing" ? phase.id : ""]);

  useEffect(() => {
    if (phase.step !== "form") result.current?.focus();
  }, [phase.step]);

  const effectiveDraft: TrackDraft = {
    ...draft,
    cover_preset: coverMode === "preset" ? draft.cover_preset : "",
    collection_id: draft.collection_id,
  };
  const local = checkTrack(effectiveDraft, { upload: true, hasCoverFile: coverMode === "file" && !!cover });
  if (!audio) add(local, "audio", MISSING);
  if (coverMode === "file" && !cover) local.cover = ["Choose a cover image (PNG, JPEG or WebP)."];
  if (coverMode === "collection" && !draft.collection_id) local.cover = ["Choose a collection first."];
  const shown = (field: string) => {
    const mine = submitted || touched.has(field) ? local[field] : undefined;
    return mine?.length ? mine : serverErrors[field]?.length ? serverErrors[field] : undefined;
  };
  const onDraft = (field: keyof TrackDraft, value: string) => {
    setDraft((current) => ({ ...current, [field]: value }));
    const names: Record<string, string> = { price: "exclusive.price_cents", currency: "exclusive.currency",
                                            contact_email: "exclusive.contact_email",
                                            exclusive_status: "exclusive.status", cover_preset: "cover" };
    const name = names[field] ?? field;
    setTouched((current) => new Set(current).add(name));
    setServerErrors((current) => ({ ...current, [name]: [] }));
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setSubmitted(true);
    setError("");
    if (Object.keys(local).length) return;
    const form = new FormData();
    // metadata first: the gateway checks it before it reads the audio
    form.append("metadata", JSON.stringify(trackMetadata(effectiveDraft)));
    if (coverMode === "file" && cover) form.append("cover", cover, cover.name);
    form.append("audio", audio!, audio!.name);
    setPhase({ step: "uploading", fraction: 0 });
    try {
      const accepted = await sendWithProgress<{ id: string; status: string }>(
        "POST", "/api/v1/tracks", form, (fraction) => setPhase({ step: "uploading", fraction }));
      setPhase({ step: "processing", id: accepted.id });
    } catch (failure) {
      setPhase({ step: "form" });
      setServerErrors(apiErrors(failure, "metadata"));
      setError(failure instanceof Error && failure.message === "network"
        ? "The upload was interrupted. Check your connection and try again." : errorMessage(failure));
    }
  };

  const again = (keepMetadata: boolean) => {
    setPhase({ step: "form" });
    setAudio(null);
    setSubmitted(false);
    setTouched(new Set());
    setServerErrors({});
    setError("");
    if (!keepMetadata) {
      setDraft(EMPTY_DRAFT);
      setCover(null);
    }
  };

  if (phase.step !== "form") {
    return (
      <section aria-labelledby="upload-title" class="produce">
        <h1 id="upload-title">Upload a beat</h1>
        <div class="form-panel stack" tabIndex={-1} ref={result}>
          <p class="muted">{audio?.name}</p>
          {phase.step === "uploading" && (
            <>
              <progress id="upload-progress" max={100} value={Math.round(phase.fraction * 100)}
                        aria-label="Upload progress" />
              <p role="status" aria-live="polite">Uploading… {Math.round(phase.fraction * 100)} %</p>
            </>
          )}
          {phase.step === "processing" && (
            <>
              <progress max={100} value={100} aria-label="Upload progress" />
              <p role="status" aria-live="polite" class="processing">
                <span class="badge processing">processing</span> Uploaded. Checking the audio (format, loudness,
                duplicates) and rendering the stream…</p>
              <ErrorMessage message={error} />
            </>
          )}
          {phase.step === "done" && phase.track.status === "published" && (
            <>
              <p role="status" aria-live="polite" class="ok">
                <span class="badge published">published</span> “{phase.track.name}” is published.</p>
              <p class="actions">
                <Link href={`/tracks/${phase.track.id}`} class="button">Open the track</Link>
                <Link href={`/tracks/${phase.track.id}/edit`} class="button secondary">Edit it, set an exclusive</Link>
                <button type="button" class="secondary" onClick={() => again(false)}>Upload another beat</button>
              </p>
            </>
          )}
          {phase.step === "done" && phase.track.status === "rejected" && (
            <>
              <div role="alert" class="error">
                <p><span class="badge rejected">rejected</span> The audio was refused:{" "}
                  {phase.track.rejection?.message ?? "no reason was given"}</p>
                {phase.track.rejection?.code && <p class="small">Reason code: <code>{phase.track.rejection.code}</code></p>}
              </div>
              <p class="muted">Lossless WAV or FLAC only: an MP3 or AAC saved as .wav is refused, judged by what the
                file contains.</p>
              <p class="actions">
                <button type="button" onClick={() => again(true)}>Try another file</button>
              </p>
            </>
          )}
        </div>
      </section>
    );
  }

  return (
    <section aria-labelledby="upload-title" class="produce">
      <h1 id="upload-title">Upload a beat</h1>
      <p class="muted">WAV or FLAC, lossless. Fields marked * are required; each is checked as you type.</p>
      <form onSubmit={onSubmit} class="stack form-panel" noValidate>
        <h2>Audio</h2>
        <DropZone id="upload-audio" label="Choose an audio file" accept=".wav,.flac,audio/wav,audio/x-wav,audio/flac"
                  file={audio} testId="audio-drop" errors={shown("audio")}
                  hint="WAV or FLAC, lossless; MP3, AAC and OGG are refused."
                  onFile={(file) => {
                    setAudio(file);
                    setTouched((current) => new Set(current).add("audio"));
                    setServerErrors((current) => ({ ...current, audio: [] }));
                    if (!draft.name) setDraft((current) => ({ ...current, name: file.name.replace(/\.[^.]+$/, "") }));
                  }} />

        <h2>Details</h2>
        <p class="hint">Part of a beat pack or a tape? <Link href="/collections/new">Create a collection</Link>, then
          pick it here.</p>
        {collections.length > 0 && (
          <SelectField id="upload-collection" label="Collection" value={draft.collection_id}
                       onValue={(value) => onDraft("collection_id", value)} placeholder="None (a single)"
                       options={collections.map((collection) => [collection.id, collection.name])}
                       errors={shown("collection_id")}
                       hint="A track in a collection takes its artists, genres and tags where its own are blank." />
        )}
        <TrackFields prefix="upload" draft={draft} onDraft={onDraft} shown={shown} />

        <fieldset class="cover-choice">
          <legend>Cover <span aria-hidden="true">*</span></legend>
          <div class="modes">
            <label class="choice"><input type="radio" name="cover-mode" checked={coverMode === "preset"}
                                         onChange={() => setCoverMode("preset")} /> A preset cover</label>
            <label class="choice"><input type="radio" name="cover-mode" checked={coverMode === "file"}
                                         onChange={() => setCoverMode("file")} /> My own image</label>
            {draft.collection_id && (
              <label class="choice"><input type="radio" name="cover-mode" checked={coverMode === "collection"}
                                           onChange={() => setCoverMode("collection")} /> The collection's cover</label>
            )}
          </div>
          {coverMode === "file" && (
            <DropZone id="upload-cover" label="Choose a cover image" accept="image/png,image/jpeg,image/webp"
                      file={cover} testId="cover-drop" errors={shown("cover")} hint="PNG, JPEG or WebP"
                      onFile={(file) => {
                        setCover(file);
                        setServerErrors((current) => ({ ...current, cover: [] }));
                      }} />
          )}
          {coverMode === "preset" && (
            <PresetPicker prefix="upload" genres={draft.genres} value={draft.cover_preset}
                          onValue={(value) => onDraft("cover_preset", value)} errors={shown("cover")} />
          )}
          {coverMode === "collection" && <p class="field-error" aria-live="polite">{shown("cover")?.join(" ")}</p>}
        </fieldset>

        <ErrorMessage message={submitted && Object.keys(local).length
          ? "Some fields need fixing before the upload: see the reasons beside them." : error} />
        <button type="submit">Upload</button>
      </form>
    </section>
  );
}
