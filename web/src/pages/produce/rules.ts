// The API's own rules for what producers send, checked in the browser as they type, with the API's own messages
// (marshmallow's wording, as the gateway answers a 422). The vocabularies and limits are those of
// services/contracts/vocabularies.py and the input schemas of services/contracts/inputs/; the server checks again,
// and its 422 reasons replace these whenever they differ.
import { ApiError } from "../../api";

export const KEYS = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
export const SCALES = ["major", "minor"];
export const BPM_MIN = 50;
export const BPM_MAX = 200;
export const LICENSING_MODELS: [string, string][] = [
  ["standard", "Standard (non-exclusive)"],
  ["standard_exclusive", "Standard + Exclusive"],
  ["exclusive_only", "Exclusive only"],
];
export const CURRENCIES = ["USD", "EUR", "GBP", "CAD"];
export const EXCLUSIVE_STATUSES: [string, string][] = [["available", "Available"], ["private", "Private"], ["sold", "Sold"]];
export const SAMPLE_CLEARANCES: [string, string][] = [["cleared", "Cleared"], ["needs_clearance", "Needs clearance"]];
export const TRACK_NAME_MAX = 200;
export const ARTIST_NAME_MAX = 100;
export const WORD_MAX = 50;
export const LIST_MAX = 20;
export const DESCRIPTION_MAX = 5000;
export const APPLICATION_TEXT_MAX = 100;
export const INSTAGRAM_PATTERN = /^@?[A-Za-z0-9._]{1,30}$/;
export const REJECTION_REASON_MAX = 2000;

export const MISSING = "Missing data for required field.";
export const ARTISTS_NEEDED = MISSING + " (at least one, unless the track joins a collection)";
export const NEEDS_COVER = "Send a cover image, or metadata.cover_preset, or a collection_id whose collection has a cover.";
export const NOT_BLANK = "Must not be blank.";

export type Errors = Record<string, string[]>;

// -- marshmallow's messages ---------------------------------------------------------------------------------------

export const between = (min: number, max: number) => `Length must be between ${min} and ${max}.`;
export const longer = (max: number) => `Longer than maximum length ${max}.`;
export const range = (min: number, max: number) =>
  `Must be greater than or equal to ${min} and less than or equal to ${max}.`;
export const oneOf = (choices: string[]) => `Must be one of: ${choices.join(", ")}.`;
export const NOT_INTEGER = "Not a valid integer.";
export const NOT_EMAIL = "Not a valid email address.";
export const NOT_URL = "Not a valid URL.";
export const NO_MATCH = "String does not match expected pattern.";
export const MUST_BE_TRUE = "Must be true.";

/** Comma-separated names as the list the API takes (blank entries dropped). */
export function splitList(text: string): string[] {
  return text.split(",").map((item) => item.trim()).filter(Boolean);
}

export function add(errors: Errors, field: string, reason: string | null | undefined): void {
  if (reason) (errors[field] ??= []).push(reason);
}

/** A list of names: each of 1..max characters, at most `items` of them (the API's `names()`). */
export function checkNames(errors: Errors, field: string, values: string[], max = WORD_MAX, items = LIST_MAX): void {
  if (values.length > items) add(errors, field, between(0, items));
  values.forEach((value, index) => {
    if (value.length > max) add(errors, field, `Item ${index + 1}: ${between(1, max)}`);
  });
}

// Marshmallow's Email and Url validators, in the shape they accept (user@domain.tld; http(s)://host[:port]/…).
const EMAIL = /^[^\s@]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}$|^[^\s@]+@localhost$/;
export const isEmail = (value: string) => EMAIL.test(value) && value.length <= 254;

export function isWebUrl(value: string): boolean {
  if (!/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(value) || value.length > 2048) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && (url.hostname.includes(".") || url.hostname === "localhost");
  } catch {
    return false;
  }
}

// -- a track's metadata ---------------------------------------------------------------------------------------------

/** What the track form holds: text as typed, turned into the API's metadata by `trackMetadata`. */
export interface TrackDraft {
  name: string;
  artists: string;
  bpm: string;
  key: string;
  scale: string;
  genres: string;
  tags: string;
  description: string;
  licensing_model: string;
  sample_clearance: string;
  price: string;
  currency: string;
  contact_email: string;
  exclusive_status: string;
  cover_preset: string;
  collection_id: string;
}

export const EMPTY_DRAFT: TrackDraft = {
  name: "", artists: "", bpm: "", key: "", scale: "", genres: "", tags: "", description: "",
  licensing_model: "standard", sample_clearance: "", price: "", currency: "USD", contact_email: "",
  exclusive_status: "available", cover_preset: "", collection_id: "",
};

export const isExclusive = (model: string) => model === "standard_exclusive" || model === "exclusive_only";

/** A price typed in the currency's units ("250", "249.99") as integer cents, or NaN. */
export function priceCents(price: string): number {
  const text = price.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return NaN;
  return Math.round(Number(text) * 100);
}

export function centsToPrice(cents: number): string {
  return (cents / 100).toFixed(2);
}

/** The metadata the API takes for this draft: what was left blank is left out. */
export function trackMetadata(draft: TrackDraft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const name = draft.name.trim();
  if (name) out.name = name;
  const artists = splitList(draft.artists);
  if (artists.length) out.artists = artists;
  const bpm = draft.bpm.trim();
  if (bpm) out.bpm = /^\d+$/.test(bpm) ? Number(bpm) : bpm;  // a non-integer goes as typed: the API says why
  if (draft.key) out.key = draft.key;
  if (draft.scale) out.scale = draft.scale;
  out.genres = splitList(draft.genres);
  out.tags = splitList(draft.tags);
  const description = draft.description.trim();
  if (description) out.description = description;
  out.licensing_model = draft.licensing_model;
  if (draft.sample_clearance) out.sample_clearance = draft.sample_clearance;
  if (isExclusive(draft.licensing_model)) {
    out.exclusive = { price_cents: priceCents(draft.price), currency: draft.currency,
                      contact_email: draft.contact_email.trim(), status: draft.exclusive_status };
  }
  if (draft.cover_preset) out.cover_preset = draft.cover_preset;
  if (draft.collection_id) out.collection_id = draft.collection_id;
  return out;
}

/** The API's reasons for a track's metadata (TrackMetadata on upload, TrackPatch on edit), keyed as the form's
 * fields: `exclusive.price_cents` is the price field, `cover` the cover choice. */
export function checkTrack(draft: TrackDraft, context: { upload: boolean; hasCoverFile: boolean }): Errors {
  const errors: Errors = {};
  const name = draft.name.trim();
  if (!name) add(errors, "name", context.upload ? MISSING : between(1, TRACK_NAME_MAX));
  else if (name.length > TRACK_NAME_MAX) add(errors, "name", between(1, TRACK_NAME_MAX));

  const artists = splitList(draft.artists);
  if (!artists.length && (context.upload ? !draft.collection_id : true)) {
    add(errors, "artists", context.upload ? ARTISTS_NEEDED : "at least one artist is required");
  }
  checkNames(errors, "artists", artists, ARTIST_NAME_MAX);

  const bpm = draft.bpm.trim();
  if (!bpm) add(errors, "bpm", MISSING);
  else if (!/^\d+$/.test(bpm)) add(errors, "bpm", NOT_INTEGER);
  else if (Number(bpm) < BPM_MIN || Number(bpm) > BPM_MAX) add(errors, "bpm", range(BPM_MIN, BPM_MAX));

  if (!draft.key) add(errors, "key", MISSING);
  else if (!KEYS.includes(draft.key)) add(errors, "key", oneOf(KEYS));
  if (!draft.scale) add(errors, "scale", MISSING);
  else if (!SCALES.includes(draft.scale)) add(errors, "scale", oneOf(SCALES));

  checkNames(errors, "genres", splitList(draft.genres));
  checkNames(errors, "tags", splitList(draft.tags));
  if (draft.description.trim().length > DESCRIPTION_MAX) add(errors, "description", longer(DESCRIPTION_MAX));

  if (isExclusive(draft.licensing_model)) {
    const cents = priceCents(draft.price);
    if (!draft.price.trim()) add(errors, "exclusive.price_cents", MISSING);
    else if (Number.isNaN(cents)) add(errors, "exclusive.price_cents", "Not a valid amount: digits, and at most 2 decimals.");
    else if (cents < 1) add(errors, "exclusive.price_cents", "Must be greater than or equal to 0.01.");
    if (!CURRENCIES.includes(draft.currency)) add(errors, "exclusive.currency", oneOf(CURRENCIES));
    const email = draft.contact_email.trim();
    if (!email) add(errors, "exclusive.contact_email", MISSING);
    else if (!isEmail(email)) add(errors, "exclusive.contact_email", NOT_EMAIL);
  }

  if (context.upload && !context.hasCoverFile && !draft.cover_preset && !draft.collection_id) {
    add(errors, "cover", NEEDS_COVER);
  }
  if (draft.cover_preset.length > WORD_MAX) add(errors, "cover", between(1, WORD_MAX));
  return errors;
}

// -- the API's 422s ---------------------------------------------------------------------------------------------------

/** A 422's reasons as the form's fields: nested ones dotted (`exclusive.currency`), list items ("genres.0")
 * folded into their list with the item's number, and `prefix.` (an upload's `metadata.`) taken off. */
export function apiErrors(failure: unknown, prefix = ""): Errors {
  const out: Errors = {};
  if (!(failure instanceof ApiError) || failure.status !== 422) return out;
  const walk = (value: unknown, path: string[]) => {
    if (Array.isArray(value)) {
      let field = path.filter((part) => part !== "_schema");
      const index = field.findIndex((part) => /^\d+$/.test(part));
      let reasonPrefix = "";
      if (index >= 0) {
        reasonPrefix = `Item ${Number(field[index]) + 1}: `;
        field = field.slice(0, index);
      }
      let name = field.join(".");
      if (prefix && name.startsWith(prefix + ".")) name = name.slice(prefix.length + 1);
      if (name === prefix || !name) name = "_form";
      value.forEach((reason) => add(out, name, reasonPrefix + String(reason)));
    } else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        if (key === "_omitted_fields") continue;
        walk(inner, [...path, ...key.split(".")]);
      }
    }
  };
  walk(failure.body.details ?? {}, []);
  return out;
}

/** Whether the gateway has no such endpoint (one older than the feature): its 405, or its 404 "no such endpoint"
 * (a 404 about a missing track or page says so differently). */
export function missingEndpoint(failure: unknown): boolean {
  return failure instanceof ApiError &&
    (failure.status === 405 || (failure.status === 404 && failure.message.startsWith("no such endpoint")));
}
