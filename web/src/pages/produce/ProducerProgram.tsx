// The Producer Program (docs/business-rules.md "Producer Program"): become a producer, claim an existing artist
// page (found with the artist search), or get verified; and the status of one's own applications.
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Page } from "../../api";
import { reloadMe, useSession } from "../../session";
import { Link } from "../../router";
import { Empty, ErrorMessage, Loading } from "../../components/Status";
import { Gate, TextField, formatDate } from "./forms";
import { add, apiErrors, APPLICATION_TEXT_MAX, INSTAGRAM_PATTERN, isWebUrl, longer, missingEndpoint, MISSING,
         MUST_BE_TRUE, NO_MATCH, NOT_URL, type Errors } from "./rules";
import type { Application, ArtistMatch } from "./types";
import "./produce.css";

type Kind = Application["type"];

export const KIND_LABELS: Record<Kind, string> = {
  become_producer: "Become a Producer",
  claim_artist: "Claim Existing Artist",
  get_verified: "Get Verified",
};

const COMMITMENTS: [string, string][] = [
  ["accept_terms", "I accept the terms of service and the privacy policy"],
  ["owns_beats", "I own the beats I upload"],
  ["grants_distribution_license", "I grant BeatPass a non-exclusive licence to distribute my beats"],
  ["commits_two_beats_per_month", "I will upload at least 2 beats a month"],
];

const TEXTS = ["producer_name", "beats_link", "first_name", "last_name", "label", "instagram"] as const;
type Texts = Record<(typeof TEXTS)[number], string>;
const NO_TEXTS: Texts = { producer_name: "", beats_link: "", first_name: "", last_name: "", label: "", instagram: "" };

function check(kind: Kind, texts: Texts, artistId: string, commitments: Record<string, boolean>): Errors {
  const errors: Errors = {};
  if (kind !== "get_verified") {
    for (const name of ["producer_name", "beats_link", "first_name", "last_name"] as const) {
      if (!texts[name].trim()) add(errors, name, MISSING);
    }
    for (const name of ["producer_name", "first_name", "last_name", "label"] as const) {
      if (texts[name].trim().length > APPLICATION_TEXT_MAX) add(errors, name, longer(APPLICATION_TEXT_MAX));
    }
    if (texts.beats_link.trim() && !isWebUrl(texts.beats_link.trim())) add(errors, "beats_link", NOT_URL);
    if (texts.instagram.trim() && !INSTAGRAM_PATTERN.test(texts.instagram.trim())) add(errors, "instagram", NO_MATCH);
    if (kind === "claim_artist" && !artistId) add(errors, "artist_id", MISSING);
  }
  for (const [name] of COMMITMENTS) if (!commitments[name]) add(errors, name, MUST_BE_TRUE);
  return errors;
}

export function ProducerProgram() {
  return <Gate what="apply to the Producer Program">{() => <ProgramPage />}</Gate>;
}

function ProgramPage() {
  const { me } = useSession();
  const isProducer = !!me?.roles.includes("producer");
  const [kind, setKind] = useState<Kind>("become_producer");
  const [texts, setTexts] = useState<Texts>(NO_TEXTS);
  const [artist, setArtist] = useState<ArtistMatch | null>(null);
  const [artistId, setArtistId] = useState("");
  const [commitments, setCommitments] = useState<Record<string, boolean>>({});
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const [applications, setApplications] = useState<Application[] | null>(null);
  const [listError, setListError] = useState("");

  const loadApplications = () =>
    api.get<Page<Application>>("/api/v1/me/applications", { limit: 50 })
      .then((page) => setApplications(page.items))
      .catch((failure) => {
        setListError(errorMessage(failure));
        setApplications([]);
      });

  useEffect(() => {
    void reloadMe();  // an approval since the last visit shows as the producer role
    void loadApplications();
  }, []);

  const chosenArtist = artist?.id ?? artistId.trim();
  const local = check(kind, texts, chosenArtist, commitments);
  const shown = (name: string) => (submitted || touched.has(name) ? local[name] ?? serverErrors[name] : serverErrors[name]);
  const touch = (name: string) => setTouched((current) => new Set(current).add(name));
  const setText = (name: keyof Texts) => (value: string) => {
    setTexts({ ...texts, [name]: value });
    touch(name);
    setServerErrors({ ...serverErrors, [name]: [] });
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setSubmitted(true);
    setError("");
    setStatus("");
    if (Object.keys(local).length) return;
    const body: Record<string, unknown> = { type: kind, ...Object.fromEntries(COMMITMENTS.map(([name]) => [name, true])) };
    if (kind !== "get_verified") {
      for (const name of TEXTS) if (texts[name].trim()) body[name] = texts[name].trim();
      if (kind === "claim_artist") body.artist_id = chosenArtist;
    }
    setBusy(true);
    try {
      await api.post<Application>("/api/v1/producer-program/applications", body);
      setStatus(`Your “${KIND_LABELS[kind]}” application was sent. An admin reviews it; its status shows below.`);
      setTexts(NO_TEXTS);
      setCommitments({});
      setArtist(null);
      setArtistId("");
      setTouched(new Set());
      setSubmitted(false);
      setServerErrors({});
      await loadApplications();
    } catch (failure) {
      setError(errorMessage(failure));
      setServerErrors(apiErrors(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="program-title" class="produce">
      <h1 id="program-title">Producer Program</h1>
      <p class="muted">Producers upload beats, run an artist page and get paid from the subscription pool. Tell us who
        you are; an admin reviews every application.</p>
      {isProducer && (
        <p class="notice" role="status">You are a producer. <Link href="/upload">Upload a beat</Link>, or apply
          below to claim another artist page or to get verified.</p>
      )}
      <form onSubmit={onSubmit} class="stack form-panel" noValidate aria-describedby="program-rules">
        <fieldset class="kinds">
          <legend>What are you applying for?</legend>
          {(Object.keys(KIND_LABELS) as Kind[]).map((value) => (
            <label class="choice" key={value}>
              <input type="radio" name="kind" value={value} checked={kind === value}
                     disabled={value === "get_verified" && !isProducer}
                     onChange={() => {
                       setKind(value);
                       setServerErrors({});
                       setError("");
                     }} />
              <span>
                <strong>{KIND_LABELS[value]}</strong>
                <span class="muted">{value === "become_producer" ? " — get an artist page of your own"
                  : value === "claim_artist" ? " — your music is already here: take over its artist page"
                  : isProducer ? " — the blue badge, Audio Recon and priority support"
                  : " — for approved producers only"}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <p id="program-rules" class="hint">Fields marked * are required.</p>

        {kind === "claim_artist" && (
          <ArtistPicker selected={artist} onSelect={(match) => {
            setArtist(match);
            touch("artist_id");
          }} manualId={artistId} onManualId={(value) => {
            setArtistId(value);
            touch("artist_id");
          }} errors={shown("artist_id")} />
        )}

        {kind !== "get_verified" && (
          <div class="grid-2">
            <TextField id="app-producer-name" label="Producer name" required value={texts.producer_name}
                       onValue={setText("producer_name")} errors={shown("producer_name")} maxLength={200} />
            <TextField id="app-beats-link" label="Link to your beats" required type="url" value={texts.beats_link}
                       onValue={setText("beats_link")} errors={shown("beats_link")}
                       hint="A public page with your beats, starting with https://" />
            <TextField id="app-first-name" label="First name" required autoComplete="given-name"
                       value={texts.first_name} onValue={setText("first_name")} errors={shown("first_name")} />
            <TextField id="app-last-name" label="Last name" required autoComplete="family-name"
                       value={texts.last_name} onValue={setText("last_name")} errors={shown("last_name")} />
            <TextField id="app-label" label="Label (optional)" value={texts.label} onValue={setText("label")}
                       errors={shown("label")} />
            <TextField id="app-instagram" label="Instagram handle (optional)" value={texts.instagram}
                       onValue={setText("instagram")} errors={shown("instagram")} hint="For example @ana.beats" />
          </div>
        )}

        <fieldset class="commitments">
          <legend>Your commitments <span aria-hidden="true">*</span></legend>
          {COMMITMENTS.map(([name, text]) => (
            <div class="check" key={name}>
              <label class="choice">
                <input type="checkbox" checked={!!commitments[name]} aria-describedby={`app-${name}-error`}
                       aria-invalid={shown(name)?.length ? true : undefined}
                       onChange={(event) => {
                         setCommitments({ ...commitments, [name]: (event.currentTarget as HTMLInputElement).checked });
                         touch(name);
                       }} />
                <span>{text}</span>
              </label>
              <span class="field-error" id={`app-${name}-error`} aria-live="polite">{shown(name)?.join(" ") ?? ""}</span>
            </div>
          ))}
        </fieldset>
        <ErrorMessage message={submitted && Object.keys(local).length ? "Some answers need fixing: see the fields marked below." : error} />
        <p role="status" aria-live="polite" class="ok">{status}</p>
        <button type="submit" disabled={busy}>{busy ? "Sending…" : "Send application"}</button>
      </form>

      <h2 id="mine-title">Your applications</h2>
      <ErrorMessage message={listError} />
      {applications === null ? <Loading label="Loading your applications…" /> : applications.length === 0 ? (
        <Empty title="No applications yet."><p>The ones you send show here with their status.</p></Empty>
      ) : (
        <ul class="panel-rows" aria-labelledby="mine-title">
          {applications.map((application) => (
            <li class="panel-row" key={application.id}>
              <div>
                <strong>{KIND_LABELS[application.type]}</strong>
                {application.producer_name && <span class="muted"> · {application.producer_name}</span>}
                <div class="muted small">Sent {formatDate(application.created_at)}
                  {application.decided_at && ` · decided ${formatDate(application.decided_at)}`}</div>
                {application.rejection_reason && <p class="reason">Reason: {application.rejection_reason}</p>}
              </div>
              <span class={`badge ${application.status}`}>{application.status}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Claim Existing Artist: search the artist pages by name (GET /api/v1/artists?q=), pick an available one. Where
 * the gateway has no search yet, the page's id is typed instead. */
function ArtistPicker({ selected, onSelect, manualId, onManualId, errors }: {
  selected: ArtistMatch | null; onSelect: (match: ArtistMatch) => void; manualId: string;
  onManualId: (id: string) => void; errors?: string[];
}) {
  const [q, setQ] = useState("");
  const [matches, setMatches] = useState<ArtistMatch[] | null>(null);
  const [searchError, setSearchError] = useState("");
  const [unavailable, setUnavailable] = useState(false);

  useEffect(() => {
    const text = q.trim();
    if (text.length < 2) {
      setMatches(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.get<Page<ArtistMatch>>("/api/v1/artists", { q: text, limit: 10 }, controller.signal)
        .then((page) => {
          setMatches(page.items);
          setSearchError("");
        })
        .catch((failure) => {
          if (missingEndpoint(failure)) setUnavailable(true);
          else if (!(failure instanceof DOMException)) setSearchError(errorMessage(failure));
        });
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q]);

  if (unavailable) {
    return (
      <div class="picker">
        <p class="notice">The artist search is not available on this server yet: paste the id of the artist page
          you claim (the last part of its address, /artists/<em>id</em>).</p>
        <TextField id="app-artist-id" label="Artist page id" required value={manualId} onValue={onManualId}
                   errors={errors} />
      </div>
    );
  }
  return (
    <div class="picker">
      <div class="field">
        <label for="artist-search">Find the artist page you claim <span aria-hidden="true">*</span></label>
        <input id="artist-search" type="search" value={q} autoComplete="off" maxLength={100}
               onInput={(event) => setQ((event.currentTarget as HTMLInputElement).value)}
               aria-describedby="artist-search-hint app-artist-error" aria-invalid={errors?.length ? true : undefined} />
        <span class="hint" id="artist-search-hint">Type at least 2 letters of the artist's name.</span>
        <span class="field-error" id="app-artist-error" aria-live="polite">{errors?.join(" ") ?? ""}</span>
      </div>
      <ErrorMessage message={searchError} />
      <div aria-live="polite">
        {matches && matches.length === 0 && <p class="muted">No artist page matches “{q.trim()}”.</p>}
        {matches && matches.length > 0 && (
          <fieldset class="matches">
            <legend class="visually-hidden">Artist pages found</legend>
            {matches.map((match) => (
              <label class="choice match" key={match.id}>
                <input type="radio" name="artist" value={match.id} checked={selected?.id === match.id}
                       disabled={match.claim_status !== "available"} onChange={() => onSelect(match)} />
                <span>
                  <strong>{match.name}</strong>
                  {match.verified && <span class="verified" title="Verified"> ✓ verified</span>}
                  <span class={`badge ${match.claim_status}`}>
                    {match.claim_status === "available" ? "Available" : "Already claimed"}</span>
                </span>
              </label>
            ))}
          </fieldset>
        )}
      </div>
      {selected && <p class="ok">You claim <strong>{selected.name}</strong>.</p>}
    </div>
  );
}
