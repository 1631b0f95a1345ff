// The artist page's editor for its owner, grouped as the profile is (docs/business-rules.md "Profiles"): Details,
// Links, Biography, Credits, the pinned track, and Images. Each tab saves its own fields (PATCH /artists/{id});
// images go to POST /artists/{id}/images.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, errorMessage } from "../../api";
import { Link, navigate } from "../../router";
import { coverAt } from "../../components/Cover";
import { Empty, ErrorMessage, Loading } from "../../components/Status";
import { Gate, SelectField, Tabs, TextArea, TextField, sendWithProgress } from "./forms";
import { DropZone } from "./TrackFields";
import { add, apiErrors, ARTIST_NAME_MAX, between, checkNames, DESCRIPTION_MAX, isWebUrl, longer, NOT_URL,
         splitList, type Errors } from "./rules";
import type { Artist, OwnTrack } from "./types";
import "./produce.css";

const TABS: [string, string][] = [
  ["details", "Details"], ["links", "Links"], ["biography", "Biography"], ["credits", "Credits"],
  ["pinned", "Pinned track"], ["images", "Images"],
];
const LINKS_MAX = 10;
const CREDITS_MAX = 50;
const CREDIT_MAX = 200;
const PLACE_MAX = 100;

/** /artist/edit: the signed-in producer's own page, or the "No Artist Profile" state. */
export function MyArtistEdit() {
  return <Gate role="producer" what="edit your artist page">{() => <FindMyArtist />}</Gate>;
}

function FindMyArtist() {
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState("");
  useEffect(() => {
    api.get<Artist>("/api/v1/me/artist")
      .then((artist) => navigate(`/artists/${artist.id}/edit`, true))
      .catch((failure) => {
        if (failure instanceof ApiError && failure.status === 404) setMissing(true);
        else setError(errorMessage(failure));
      });
  }, []);
  if (error) return <section><h1>Your artist page</h1><ErrorMessage message={error} /></section>;
  if (missing) return <NoArtistProfile />;
  return <Loading label="Finding your artist page…" />;
}

function NoArtistProfile() {
  return (
    <section class="narrow">
      <h1>No Artist Profile</h1>
      <Empty title="You have no artist page yet.">
        <p>An artist page is made when an admin approves your Producer Program application, or when you claim an
          existing page. <Link href="/producer-program">Go to the Producer Program</Link></p>
      </Empty>
    </section>
  );
}

export function ArtistEdit({ id }: { id: string }) {
  return <Gate role="producer" what="edit an artist page">{(me) => <ArtistEditPage id={id} userId={me.id} />}</Gate>;
}

function ArtistEditPage({ id, userId }: { id: string; userId: string }) {
  const [artist, setArtist] = useState<Artist | null>(null);
  const [loadError, setLoadError] = useState("");
  const [missing, setMissing] = useState(false);
  const [tab, setTab] = useState("details");

  useEffect(() => {
    const controller = new AbortController();
    api.get<Artist>(`/api/v1/artists/${encodeURIComponent(id)}`, {}, controller.signal)
      .then(setArtist)
      .catch((failure) => {
        if (failure instanceof ApiError && failure.status === 404) setMissing(true);
        else setLoadError(errorMessage(failure));
      });
    return () => controller.abort();
  }, [id]);

  if (missing) return <NoArtistProfile />;
  if (loadError) return <section><h1>Edit artist page</h1><ErrorMessage message={loadError} /></section>;
  if (!artist) return <Loading label="Loading the artist page…" />;
  if (artist.user_id !== userId) {
    return <section class="narrow"><h1>Edit artist page</h1><p>Only the page's owner can edit it.</p>
      <Link href={`/artists/${artist.id}`}>Back to {artist.name}</Link></section>;
  }
  return (
    <section aria-labelledby="artist-edit-title" class="produce">
      <h1 id="artist-edit-title">Edit your artist page</h1>
      <p class="muted"><strong>{artist.name}</strong>{artist.verified && " ✓ verified"} ·{" "}
        <Link href={`/artists/${artist.id}`}>View the page</Link></p>
      <Tabs id="artist-edit" label="Artist page sections" tabs={TABS} current={tab} onSelect={setTab} />
      <div id="artist-edit-panel" role="tabpanel" aria-labelledby={`artist-edit-tab-${tab}`} class="form-panel">
        {tab === "details" && <DetailsTab artist={artist} onSaved={setArtist} key="details" />}
        {tab === "links" && <LinksTab artist={artist} onSaved={setArtist} key="links" />}
        {tab === "biography" && <BiographyTab artist={artist} onSaved={setArtist} key="biography" />}
        {tab === "credits" && <CreditsTab artist={artist} onSaved={setArtist} key="credits" />}
        {tab === "pinned" && <PinnedTab artist={artist} onSaved={setArtist} key="pinned" />}
        {tab === "images" && <ImagesTab artist={artist} onSaved={setArtist} key="images" />}
      </div>
    </section>
  );
}

interface TabProps {
  artist: Artist;
  onSaved: (artist: Artist) => void;
}

/** A tab's form: its local reasons, the API's 422 reasons, and PATCH with the tab's fields. */
function useTabSave(artist: Artist, onSaved: (artist: Artist) => void) {
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const save = async (local: Errors, body: Record<string, unknown>) => {
    setError("");
    setStatus("");
    if (Object.keys(local).length) {
      setError("Some fields need fixing: see the reasons beside them.");
      return;
    }
    setBusy(true);
    try {
      onSaved(await api.patch<Artist>(`/api/v1/artists/${artist.id}`, body));
      setServerErrors({});
      setStatus("Saved.");
    } catch (failure) {
      setError(errorMessage(failure));
      setServerErrors(apiErrors(failure));
    } finally {
      setBusy(false);
    }
  };
  const shown = (local: Errors) => (field: string) =>
    local[field] ?? (serverErrors[field]?.length ? serverErrors[field] : undefined);
  const footer = (label = "Save") => (
    <>
      <ErrorMessage message={error} />
      <p role="status" aria-live="polite" class="ok">{status}</p>
      <button type="submit" disabled={busy}>{busy ? "Saving…" : label}</button>
    </>
  );
  return { save, shown, footer, clear: () => setStatus("") };
}

function DetailsTab({ artist, onSaved }: TabProps) {
  const [name, setName] = useState(artist.name);
  const [genres, setGenres] = useState(artist.genres.join(", "));
  const { save, shown, footer, clear } = useTabSave(artist, onSaved);
  const local: Errors = {};
  if (!name.trim() || name.trim().length > ARTIST_NAME_MAX) add(local, "name", between(1, ARTIST_NAME_MAX));
  checkNames(local, "genres", splitList(genres));
  const show = shown(local);
  return (
    <form class="stack" noValidate onSubmit={(event) => {
      event.preventDefault();
      void save(local, { name: name.trim(), genres: splitList(genres) });
    }}>
      <h2>Details</h2>
      <TextField id="artist-name" label="Artist name" required value={name} errors={show("name")}
                 onValue={(value) => { setName(value); clear(); }} />
      <TextField id="artist-genres" label="Genres" value={genres} errors={show("genres")}
                 hint="Separated by commas" onValue={(value) => { setGenres(value); clear(); }} />
      {footer()}
    </form>
  );
}

function LinksTab({ artist, onSaved }: TabProps) {
  const [links, setLinks] = useState<string[]>(artist.links.length ? artist.links : [""]);
  const { save, shown, footer, clear } = useTabSave(artist, onSaved);
  const kept = links.map((link) => link.trim()).filter(Boolean);
  const local: Errors = {};
  links.forEach((link, index) => {
    if (link.trim() && !isWebUrl(link.trim())) add(local, `link-${index}`, NOT_URL);
  });
  if (kept.length > LINKS_MAX) add(local, "links", between(0, LINKS_MAX));
  const show = shown(local);
  return (
    <form class="stack" noValidate onSubmit={(event) => {
      event.preventDefault();
      void save(local, { links: kept });
    }}>
      <h2>Links</h2>
      <p class="hint">Your website, streaming and social pages (up to {LINKS_MAX}), starting with https://</p>
      {links.map((link, index) => (
        <div class="row-field" key={index}>
          <TextField id={`artist-link-${index}`} label={`Link ${index + 1}`} type="url" value={link}
                     errors={show(`link-${index}`)}
                     onValue={(value) => {
                       setLinks(links.map((old, at) => (at === index ? value : old)));
                       clear();
                     }} />
          <button type="button" class="secondary" aria-label={`Remove link ${index + 1}`}
                  onClick={() => setLinks(links.filter((_, at) => at !== index))}>Remove</button>
        </div>
      ))}
      <p class="field-error" aria-live="polite">{show("links")?.join(" ")}</p>
      {links.length < LINKS_MAX && (
        <button type="button" class="secondary" onClick={() => setLinks([...links, ""])}>Add a link</button>
      )}
      {footer("Save the links")}
    </form>
  );
}

function BiographyTab({ artist, onSaved }: TabProps) {
  const [country, setCountry] = useState(artist.country ?? "");
  const [city, setCity] = useState(artist.city ?? "");
  const [description, setDescription] = useState(artist.description ?? "");
  const { save, shown, footer, clear } = useTabSave(artist, onSaved);
  const local: Errors = {};
  if (country.trim().length > PLACE_MAX) add(local, "country", longer(PLACE_MAX));
  if (city.trim().length > PLACE_MAX) add(local, "city", longer(PLACE_MAX));
  if (description.trim().length > DESCRIPTION_MAX) add(local, "description", longer(DESCRIPTION_MAX));
  const show = shown(local);
  return (
    <form class="stack" noValidate onSubmit={(event) => {
      event.preventDefault();
      void save(local, { country: country.trim() || null, city: city.trim() || null,
                         description: description.trim() || null });
    }}>
      <h2>Biography</h2>
      <div class="grid-2">
        <TextField id="artist-country" label="Country" value={country} errors={show("country")}
                   autoComplete="country-name" onValue={(value) => { setCountry(value); clear(); }} />
        <TextField id="artist-city" label="City" value={city} errors={show("city")}
                   onValue={(value) => { setCity(value); clear(); }} />
      </div>
      <TextArea id="artist-description" label="About" rows={6} value={description} errors={show("description")}
                onValue={(value) => { setDescription(value); clear(); }} />
      {footer()}
    </form>
  );
}

function CreditsTab({ artist, onSaved }: TabProps) {
  const [credits, setCredits] = useState(artist.credits.join("\n"));
  const { save, shown, footer, clear } = useTabSave(artist, onSaved);
  const lines = credits.split("\n").map((line) => line.trim()).filter(Boolean);
  const local: Errors = {};
  if (lines.length > CREDITS_MAX) add(local, "credits", between(0, CREDITS_MAX));
  lines.forEach((line, index) => {
    if (line.length > CREDIT_MAX) add(local, "credits", `Item ${index + 1}: ${between(1, CREDIT_MAX)}`);
  });
  const show = shown(local);
  return (
    <form class="stack" noValidate onSubmit={(event) => {
      event.preventDefault();
      void save(local, { credits: lines });
    }}>
      <h2>Credits</h2>
      <TextArea id="artist-credits" label="Professional credits" rows={6} value={credits} errors={show("credits")}
                hint={`One per line, up to ${CREDITS_MAX}: for example “Produced ‘Night Drive’ for Ana Silva (2025)”`}
                onValue={(value) => { setCredits(value); clear(); }} />
      {footer()}
    </form>
  );
}

function PinnedTab({ artist, onSaved }: TabProps) {
  const [tracks, setTracks] = useState<OwnTrack[] | null>(null);
  const [pinned, setPinned] = useState(artist.pinned_track_id ?? "");
  const [loadError, setLoadError] = useState("");
  const { save, shown, footer, clear } = useTabSave(artist, onSaved);
  useEffect(() => {
    api.get<{ items: OwnTrack[] }>("/api/v1/producer/beats", { status: "published", limit: 100, artist: artist.id })
      .then((page) => setTracks(page.items))
      .catch((failure) => {
        setLoadError(errorMessage(failure));
        setTracks([]);
      });
  }, [artist.id]);
  const show = shown({});
  if (tracks === null) return <Loading label="Loading your published tracks…" />;
  return (
    <form class="stack" noValidate onSubmit={(event) => {
      event.preventDefault();
      void save({}, { pinned_track_id: pinned || null });
    }}>
      <h2>Pinned track</h2>
      <ErrorMessage message={loadError} />
      {tracks.length === 0 ? (
        <Empty title="No published tracks yet."><p><Link href="/upload">Upload a beat</Link> to pin it here.</p></Empty>
      ) : (
        <SelectField id="artist-pinned" label="The track shown first on your page" value={pinned}
                     onValue={(value) => { setPinned(value); clear(); }} placeholder="None"
                     options={tracks.map((track) => [track.id, track.name])} errors={show("pinned_track_id")} />
      )}
      {footer()}
    </form>
  );
}

function ImagesTab({ artist, onSaved }: TabProps) {
  const [kind, setKind] = useState("avatar");
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const [fileErrors, setFileErrors] = useState<string[] | undefined>();
  const links = artist.image_links ?? { avatar: null, cover: null, gallery: [] };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setError("");
    setStatus("");
    if (!file) {
      setFileErrors(["Choose an image (PNG, JPEG or WebP)."]);
      return;
    }
    const form = new FormData();
    form.append("kind", kind);
    form.append("image", file, file.name);
    setBusy(true);
    try {
      onSaved(await sendWithProgress<Artist>("POST", `/api/v1/artists/${artist.id}/images`, form, () => undefined));
      setStatus(kind === "gallery" ? "Added to the gallery." : `The new ${kind} is saved.`);
      setFile(null);
    } catch (failure) {
      setError(errorMessage(failure));
      const reasons = apiErrors(failure);
      setFileErrors(reasons.image ?? reasons.kind);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="stack" noValidate onSubmit={onSubmit}>
      <h2>Images</h2>
      <div class="images-now">
        <figure>
          {links.avatar ? <img src={coverAt(links.avatar, 192)} alt="Your avatar" width={96} height={96} class="avatar" />
                        : <span class="no-image">No avatar</span>}
          <figcaption>Avatar</figcaption>
        </figure>
        <figure>
          {links.cover ? <img src={links.cover} alt="Your page's cover image" width={240} height={96} class="banner" />
                       : <span class="no-image">No cover image</span>}
          <figcaption>Cover</figcaption>
        </figure>
        <figure>
          <span class="gallery-count">{links.gallery.length} / 20</span>
          <figcaption>Gallery</figcaption>
        </figure>
      </div>
      {links.gallery.length > 0 && (
        <ul class="edit-gallery" aria-label="Gallery">
          {links.gallery.map((url, index) => <li key={url}><img src={coverAt(url, 192)} alt={`Gallery image ${index + 1}`}
                                                                width={96} height={96} loading="lazy" /></li>)}
        </ul>
      )}
      <SelectField id="artist-image-kind" label="Add as" value={kind} onValue={setKind}
                   options={[["avatar", "Avatar (replaces the current one)"], ["cover", "Cover (replaces the current one)"],
                             ["gallery", "A gallery image"]]} />
      <DropZone id="artist-image" label="Choose an image" accept="image/png,image/jpeg,image/webp" file={file}
                onFile={(picked) => {
                  setFile(picked);
                  setFileErrors(undefined);
                }} errors={fileErrors} hint="PNG, JPEG or WebP" testId="artist-image-drop" />
      <ErrorMessage message={error} />
      <p role="status" aria-live="polite" class="ok">{status}</p>
      <button type="submit" disabled={busy}>{busy ? "Uploading…" : "Upload the image"}</button>
    </form>
  );
}
