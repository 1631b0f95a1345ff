// The metadata fields of a track (upload and edit), the exclusive settings, the cover chooser (an image, dropped
// or picked, or a preset cover) and the drop zone for files.
import { useEffect, useRef, useState } from "preact/hooks";
import { coverAt } from "../../components/Cover";
import { api, type Page } from "../../api";
import { FieldNotes, SelectField, TextArea, TextField, pairs } from "./forms";
import { CURRENCIES, EXCLUSIVE_STATUSES, isExclusive, KEYS, LICENSING_MODELS, SAMPLE_CLEARANCES, SCALES, splitList,
         missingEndpoint, type TrackDraft } from "./rules";
import type { CoverPreset } from "./types";

type Shown = (field: string) => string[] | undefined;

export function TrackFields({ prefix, draft, onDraft, shown, soldLocked }: {
  prefix: string; draft: TrackDraft; onDraft: (field: keyof TrackDraft, value: string) => void; shown: Shown;
  soldLocked?: boolean;
}) {
  const set = (field: keyof TrackDraft) => (value: string) => onDraft(field, value);
  const id = (field: string) => `${prefix}-${field}`;
  return (
    <>
      <div class="grid-2">
        <TextField id={id("name")} label="Track name" required value={draft.name} onValue={set("name")}
                   errors={shown("name")} />
        <TextField id={id("artists")} label="Artists" required={!draft.collection_id} value={draft.artists}
                   onValue={set("artists")} errors={shown("artists")} hint="Display names, separated by commas" />
        <TextField id={id("bpm")} label="BPM" required inputMode="numeric" value={draft.bpm} onValue={set("bpm")}
                   errors={shown("bpm")} hint="Between 50 and 200" />
        <div class="grid-2 tight">
          <SelectField id={id("key")} label="Key" required value={draft.key} onValue={set("key")}
                       options={pairs(KEYS)} placeholder="Choose…" errors={shown("key")} />
          <SelectField id={id("scale")} label="Scale" required value={draft.scale} onValue={set("scale")}
                       options={pairs(SCALES)} placeholder="Choose…" errors={shown("scale")} />
        </div>
        <TextField id={id("genres")} label="Genres" value={draft.genres} onValue={set("genres")}
                   errors={shown("genres")} hint="For example trap, drill — separated by commas" />
        <TextField id={id("tags")} label="Tags" value={draft.tags} onValue={set("tags")} errors={shown("tags")}
                   hint="Moods and instruments, separated by commas" />
      </div>
      <TextArea id={id("description")} label="Description" value={draft.description} onValue={set("description")}
                errors={shown("description")} />
      <div class="grid-2">
        <SelectField id={id("sample-clearance")} label="Samples" value={draft.sample_clearance}
                     onValue={set("sample_clearance")} options={SAMPLE_CLEARANCES} placeholder="Not stated"
                     errors={shown("sample_clearance")} />
        <SelectField id={id("licensing-model")} label="Licensing model" required value={draft.licensing_model}
                     onValue={set("licensing_model")} options={LICENSING_MODELS} errors={shown("licensing_model")}
                     hint="Standard licences go to subscribers; an exclusive is sold once, through Stripe." />
      </div>
      {isExclusive(draft.licensing_model) && (
        <fieldset class="exclusive">
          <legend>Exclusive settings</legend>
          <div class="grid-2">
            <TextField id={id("price")} label="Exclusive price" required inputMode="decimal" value={draft.price}
                       onValue={set("price")} errors={shown("exclusive.price_cents")} hint="For example 250 or 249.99" />
            <SelectField id={id("currency")} label="Currency" required value={draft.currency} onValue={set("currency")}
                         options={pairs(CURRENCIES)} errors={shown("exclusive.currency")} />
            <TextField id={id("contact-email")} label="Contact email" required type="email" value={draft.contact_email}
                       onValue={set("contact_email")} errors={shown("exclusive.contact_email")}
                       hint="Buyers' questions go here; only you see it" />
            <SelectField id={id("exclusive-status")} label="Exclusive status" required value={draft.exclusive_status}
                         onValue={set("exclusive_status")} options={EXCLUSIVE_STATUSES}
                         disabled={(status) => (status === "sold") !== !!soldLocked}
                         errors={shown("exclusive.status") ?? shown("exclusive")}
                         hint={soldLocked ? "Sold: the platform marks a sale; it cannot be changed here."
                                          : "Private hides the offer; Sold is set by a sale."} />
          </div>
        </fieldset>
      )}
      {!isExclusive(draft.licensing_model) && shown("exclusive") && (
        <p class="field-error" role="alert">{shown("exclusive")!.join(" ")}</p>
      )}
    </>
  );
}

/** A drop zone around a normal file input: drop a file on it, or choose one with the keyboard. */
export function DropZone({ id, label, accept, file, onFile, errors, hint, testId }: {
  id: string; label: string; accept: string; file: File | null; onFile: (file: File) => void; errors?: string[];
  hint: string; testId: string;
}) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!file && input.current) input.current.value = "";  // the form was reset: so is the picker
  }, [file]);
  return (
    <div class={over ? "dropzone over" : "dropzone"} data-testid={testId}
         onDragOver={(event) => {
           event.preventDefault();
           setOver(true);
         }}
         onDragLeave={() => setOver(false)}
         onDrop={(event) => {
           event.preventDefault();
           setOver(false);
           const dropped = event.dataTransfer?.files?.[0];
           if (dropped) onFile(dropped);
         }}>
      <p class="drop-title" aria-hidden="true">Drag and drop here, or</p>
      <label for={id} class="drop-label">{label}</label>
      <input id={id} ref={input} type="file" accept={accept} class="file-input"
             aria-invalid={errors?.length ? true : undefined} aria-describedby={`${id}-hint ${id}-error ${id}-chosen`}
             onChange={(event) => {
               const chosen = (event.currentTarget as HTMLInputElement).files?.[0];
               if (chosen) onFile(chosen);
             }} />
      <p id={`${id}-chosen`} class="chosen" aria-live="polite">
        {file ? `${file.name} · ${formatBytes(file.size)}` : "No file chosen"}</p>
      <FieldNotes id={id} errors={errors} hint={hint} />
    </div>
  );
}

export function formatBytes(size: number): string {
  if (size >= 1024 * 1024) return `${(size / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(size / 1024))} KB`;
}

type Presets =
  | { kind: "loading" }
  | { kind: "legacy" }  // a gateway without the preset list: it takes the genre name itself as the preset
  | { kind: "list"; items: CoverPreset[] }
  | { kind: "unknown"; genres: string[] };  // a genre outside the vocabulary: the genres that have presets

/** The preset covers of a genre (GET /api/v1/cover-presets?genre=), asked once the typing pauses. Only the chosen
 * genre's images are shown: each is drawn by the catalog, so the whole set is never loaded at once. */
export function usePresets(genre: string): Presets {
  const [presets, setPresets] = useState<Presets>({ kind: "loading" });
  useEffect(() => {
    if (!genre) return;
    setPresets({ kind: "loading" });
    const controller = new AbortController();
    const load = (query: Record<string, string>) =>
      api.get<Page<CoverPreset>>("/api/v1/cover-presets", query, controller.signal);
    const timer = setTimeout(() => {
      load({ genre })
        .then((page) => setPresets({ kind: "list", items: page.items }))
        .catch(async (failure) => {
          if (missingEndpoint(failure)) return setPresets({ kind: "legacy" });
          // a genre outside the vocabulary (422): name the genres that have presets (no images loaded)
          const all = await load({});
          setPresets({ kind: "unknown", genres: [...new Set(all.items.map((item) => item.genre))] });
        })
        .catch((failure) => {
          if (!(failure instanceof DOMException)) setPresets({ kind: "list", items: [] });
        });
    }, 300);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [genre]);
  return presets;
}

/** Pick a preset cover: the genre's presets as radio buttons, or (older gateways) the genre's preset. */
export function PresetPicker({ prefix, genres, value, onValue, errors }: {
  prefix: string; genres: string; value: string; onValue: (preset: string) => void; errors?: string[];
}) {
  const genre = splitList(genres)[0] ?? "";
  const state = usePresets(genre);
  const notes = <FieldNotes id={`${prefix}-preset`} errors={errors} />;
  if (!genre) return <div class="field"><p class="hint">Fill in Genres to see their preset covers.</p>{notes}</div>;
  if (state.kind === "loading") return <p class="muted" role="status">Loading the preset covers…</p>;
  if (state.kind === "unknown") {
    return (
      <div class="field">
        <p class="hint">No preset covers for “{genre}”. Presets exist for: {state.genres.join(", ")} — use one of them
          as the first genre, or your own image.</p>
        {notes}
      </div>
    );
  }
  if (state.kind === "legacy") {
    return (
      <div class="field">
        <p class="hint" id={`${prefix}-preset-hint`}>The preset cover follows the first genre (<strong>{genre}</strong>).</p>
        <label class="choice">
          <input type="checkbox" checked={!!value && value === genre} aria-describedby={`${prefix}-preset-hint`}
                 onChange={(event) => onValue((event.currentTarget as HTMLInputElement).checked ? genre : "")} />
          <span>Use the {genre} preset cover</span>
        </label>
        {notes}
      </div>
    );
  }
  const presets = state.items;
  if (!presets.length) return <p class="muted">No preset covers are available.</p>;
  return (
    <fieldset class="presets">
      <legend>Preset covers{genre ? ` for ${genre}` : ""}</legend>
      <div class="preset-grid">
        {presets.map((preset) => (
          <label class={value === preset.id ? "preset chosen-preset" : "preset"} key={preset.id}>
            <input type="radio" name={`${prefix}-preset`} value={preset.id} checked={value === preset.id}
                   onChange={() => onValue(preset.id)} />
            <img src={coverAt(preset.image_url, 192)} alt="" width={96} height={96} loading="lazy" />
            <span>{preset.id}</span>
          </label>
        ))}
      </div>
      {notes}
    </fieldset>
  );
}
