// Beat requests (/beat-requests): the token balance and what a request costs, a form to post one (the API's 422
// reasons beside each field, its 402 message when the balance is short), and the account's requests with their
// responses, renewal and deletion.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, errorMessage, type Page } from "../../api";
import { reloadMe, useSession } from "../../session";
import { Link } from "../../router";
import { Empty, ErrorMessage, Loading } from "../../components/Status";
import { formatDateTime, formatMoney, planName } from "./format";
import { usePlans } from "./Plans";
import type { BeatRequest, BeatRequestCosts, BeatRequestResponse } from "./types";
import "./money.css";

const CURRENCY = "CAD";
const UUID_IN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** the API's field names → the form's (the budget is typed in dollars, sent in cents) */
const FIELD_OF: Record<string, string> = { budget_cents: "budget", currency: "budget" };

function tokens(count: number): string {
  return `${count} token${count === 1 ? "" : "s"}`;
}

function FieldError({ name, errors }: { name: string; errors: Record<string, string[]> }) {
  if (!errors[name]?.length) return null;
  return <span class="field-error" id={`${name}-error`}>{errors[name].join(" ")}</span>;
}

function NewRequestForm({ balance, costs, onCreated }:
  { balance: number; costs: BeatRequestCosts; onCreated: (created: BeatRequest) => void }) {
  const shortest = costs.costs[0].lifetime_hours;
  const [lifetime, setLifetime] = useState(shortest);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState("");
  const [done, setDone] = useState("");
  const [busy, setBusy] = useState(false);
  const cost = (costs.costs.find((option) => option.lifetime_hours === lifetime) ?? costs.costs[0]).cost_tokens;

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const number = (name: string) => (text(name) === "" ? null : Number(text(name)));
    const budget = number("budget");
    const reference = text("reference");
    const body = {
      genre: text("genre"), mood: text("mood"), bpm_min: number("bpm_min"), bpm_max: number("bpm_max"),
      budget_cents: budget === null || Number.isNaN(budget) ? null : Math.round(budget * 100), currency: CURRENCY,
      reference_track_id: reference ? (UUID_IN.exec(reference)?.[0] ?? reference) : null, lifetime_hours: lifetime,
    };
    setBusy(true);
    setError("");
    setErrors({});
    setDone("");
    try {
      const created = await api.post<BeatRequest>("/api/v1/beat-requests", body);
      formElement.reset();
      setLifetime(shortest);
      setDone(`Request posted for ${tokens(created.cost_tokens)}: ${tokens(created.tokens ?? 0)} left.`);
      onCreated(created);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 422) {
        const fields: Record<string, string[]> = {};
        for (const [name, reasons] of Object.entries(failure.fields)) {
          const field = FIELD_OF[name] ?? name;
          fields[field] = [...(fields[field] ?? []), ...reasons];
        }
        setErrors(fields);
      }
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  const invalid = (name: string) => ({ "aria-invalid": !!errors[name], "aria-describedby": errors[name] ? `${name}-error` : undefined });

  return (
    <form class="panel stack" onSubmit={onSubmit} noValidate aria-labelledby="new-request-title">
      <h2 id="new-request-title">Ask producers for a beat</h2>
      <div class="form-grid">
        <div class="field"><label>Genre<input name="genre" required maxLength={50} {...invalid("genre")} /></label>
          <FieldError name="genre" errors={errors} /></div>
        <div class="field"><label>Mood<input name="mood" required maxLength={100} {...invalid("mood")} /></label>
          <FieldError name="mood" errors={errors} /></div>
        <div class="field"><label>BPM from<input name="bpm_min" type="number" inputMode="numeric" min={50} max={200}
                                                 required {...invalid("bpm_min")} /></label>
          <FieldError name="bpm_min" errors={errors} /></div>
        <div class="field"><label>BPM to<input name="bpm_max" type="number" inputMode="numeric" min={50} max={200}
                                               required {...invalid("bpm_max")} /></label>
          <FieldError name="bpm_max" errors={errors} /></div>
        <div class="field"><label>Budget ({CURRENCY})<input name="budget" type="number" inputMode="decimal" min={0}
                                                            step="0.01" required {...invalid("budget")} /></label>
          <FieldError name="budget" errors={errors} /></div>
        <div class="field wide"><label>Reference track (optional: its link or ID)
          <input name="reference" {...invalid("reference_track_id")} /></label>
          <FieldError name="reference_track_id" errors={errors} /></div>
        <fieldset class="wide" aria-describedby={errors.lifetime_hours ? "lifetime_hours-error" : undefined}>
          <legend>Open for</legend>
          <div class="choices">
            {costs.costs.map(({ lifetime_hours: hours, cost_tokens: price }) => (
              <label key={hours}>
                <input type="radio" name="lifetime" value={hours} checked={lifetime === hours}
                       onChange={() => setLifetime(hours)} />
                {hours} hours · {tokens(price)}
              </label>
            ))}
          </div>
          <FieldError name="lifetime_hours" errors={errors} />
        </fieldset>
      </div>
      <p class={cost > balance ? "notice" : "muted"} data-testid="request-cost">
        This request costs {tokens(cost)}; you have {tokens(balance)}.
        {cost > balance && (balance > 0 ? " Pick a shorter time, or get more tokens with a bigger plan."
          : " Your tokens come back on the 1st of the month; bigger plans have more.")}</p>
      <ErrorMessage message={error} />
      <div role="status">{done && <p class="ok-text">{done}</p>}</div>
      <button type="submit" disabled={busy}>{busy ? "Posting…" : `Post the request (${tokens(cost)})`}</button>
    </form>
  );
}

function Responses({ request }: { request: BeatRequest }) {
  const [responses, setResponses] = useState<BeatRequestResponse[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    const controller = new AbortController();
    api.get<Page<BeatRequestResponse>>(`/api/v1/beat-requests/${request.id}/responses`, { limit: 50 }, controller.signal)
      .then((page) => setResponses(page.items))
      .catch((failure) => {
        setError(errorMessage(failure));
        setResponses([]);
      });
    return () => controller.abort();
  }, [request.id]);
  if (responses === null) return <Loading label="Loading the responses…" />;
  return (
    <>
      <ErrorMessage message={error} />
      {responses.length === 0 && !error ? <p class="muted">No responses yet.</p> : (
        <ul class="responses" aria-label={`Responses to your ${request.genre} request`}>
          {responses.map((response) => (
            <li key={response.id}>
              <Link href={`/tracks/${response.track_id}`}>{response.track_name}</Link> by{" "}
              <Link href={`/artists/${response.artist_id}`}>{response.artist_name}</Link>
              <span class="muted"> · {formatDateTime(response.created_at)}</span>
              {response.message && <p>{response.message}</p>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function RequestItem({ request, renewal, onChange, onDeleted }:
  { request: BeatRequest; renewal: BeatRequestCosts["renewal"]; onChange: (request: BeatRequest) => void;
    onDeleted: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState("");
  const expired = request.status === "expired";
  const renewable = expired && new Date(request.renewable_until).getTime() > Date.now();
  const title = `${request.genre}, ${request.bpm_min}–${request.bpm_max} BPM`;

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError("");
    try {
      await work();
      await reloadMe();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  const renew = () => act(async () => onChange(await api.post<BeatRequest>(`/api/v1/beat-requests/${request.id}/renew`)));
  const remove = () => act(async () => {
    await api.delete(`/api/v1/beat-requests/${request.id}`);
    onDeleted(request.id);
  });

  return (
    <li class="panel request" aria-labelledby={`request-${request.id}`}>
      <h2 id={`request-${request.id}`}>{title}</h2>
      <p><span class={expired ? "badge" : "badge ok"}>{expired ? "Expired" : "Open"}</span>{" "}
        <span class="muted">{expired ? "Expired" : "Open until"} {formatDateTime(request.expires_at)}</span></p>
      <dl class="facts">
        <dt>Mood</dt><dd>{request.mood}</dd>
        <dt>Budget</dt><dd>{formatMoney(request.budget_cents, request.currency)}</dd>
        <dt>Cost</dt><dd>{tokens(request.cost_tokens)}{request.renewals > 0 && `, renewed ${request.renewals}×`}</dd>
        {request.reference_track_id && <><dt>Reference</dt>
          <dd><Link href={`/tracks/${request.reference_track_id}`}>the reference track</Link></dd></>}
      </dl>
      <div class="actions">
        <button type="button" class="secondary" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? "Hide the responses" : "Show the responses"}</button>
        {renewable && <button type="button" onClick={renew} disabled={busy}>Renew for {renewal.lifetime_hours} hours ({tokens(renewal.cost_tokens)})</button>}
        {confirming ? (
          <>
            <button type="button" onClick={remove} disabled={busy}>
              {expired ? "Yes, delete it" : "Yes, delete it and refund the tokens"}</button>
            <button type="button" class="link" onClick={() => setConfirming(false)}>Keep it</button>
          </>
        ) : <button type="button" class="link" onClick={() => setConfirming(true)}>Delete</button>}
      </div>
      <ErrorMessage message={error} />
      {open && <Responses request={request} />}
    </li>
  );
}

export function BeatRequests() {
  const { ready, me } = useSession();
  const { plans } = usePlans();
  const [requests, setRequests] = useState<BeatRequest[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [costs, setCosts] = useState<BeatRequestCosts | null>(null);

  useEffect(() => {
    // what a request costs is the API's (the catalog's rules), never a copy kept here
    const controller = new AbortController();
    api.get<BeatRequestCosts>("/api/v1/beat-requests/costs", {}, controller.signal)
      .then(setCosts)
      .catch((failure) => {
        if (!controller.signal.aborted) setError(errorMessage(failure));
      });
    return () => controller.abort();
  }, []);

  useEffect(() => {
    if (!me) return;
    const controller = new AbortController();
    api.get<Page<BeatRequest>>("/api/v1/me/beat-requests", { limit: 20 }, controller.signal)
      .then((page) => {
        setRequests(page.items);
        setNext(page.next);
      })
      .catch((failure) => {
        setError(errorMessage(failure));
        setRequests([]);
      });
    return () => controller.abort();
  }, [me?.id]);

  const loadMore = async () => {
    if (!next) return;
    try {
      const page = await api.get<Page<BeatRequest>>("/api/v1/me/beat-requests", { limit: 20, cursor: next });
      setRequests((current) => [...(current ?? []), ...page.items]);
      setNext(page.next);
    } catch (failure) {
      setError(errorMessage(failure));
    }
  };

  if (!ready) return <Loading />;
  if (!me) {
    return <section><h1>Beat requests</h1>
      <p><Link href="/login?next=/beat-requests">Log in</Link> to ask producers for a beat.</p></section>;
  }
  if (!costs) {
    return <section><h1>Beat requests</h1>{error ? <ErrorMessage message={error} /> : <Loading />}</section>;
  }
  const plan = plans?.find((candidate) => candidate.code === me.plan);
  return (
    <section aria-labelledby="requests-title">
      <h1 id="requests-title">Beat requests</h1>
      <div class="panel" aria-live="polite">
        <p data-testid="token-balance"><strong>{tokens(me.tokens)}</strong> left this month
          {plan ? ` (${planName(plan.code)}: ${tokens(plan.monthly_tokens)} a month, back on the 1st)` : ""}.</p>
        <p class="muted">Verified producers of the genre are told about your request and answer with their beats. A
          request costs {costs.costs.map((option) => `${tokens(option.cost_tokens)} for ${option.lifetime_hours} hours`)
            .join(", ")}; renewing an expired one costs {tokens(costs.renewal.cost_tokens)}. Deleting an open request
          gives its tokens back.{" "}
          <Link href="/plans">More tokens come with bigger plans.</Link></p>
      </div>
      <NewRequestForm balance={me.tokens} costs={costs} onCreated={(created) => {
        setRequests((current) => [created, ...(current ?? [])]);
        void reloadMe();
      }} />
      <h2>Your requests</h2>
      <ErrorMessage message={error} />
      {requests === null ? <Loading label="Loading your requests…" /> : requests.length === 0 && !error ? (
        <Empty title="No beat requests yet."><p>Post one above and producers can answer it.</p></Empty>
      ) : (
        <ul class="requests" aria-label="Your beat requests">
          {requests.map((request) => (
            <RequestItem key={request.id} request={request} renewal={costs.renewal}
                         onChange={(changed) => setRequests((current) => (current ?? []).map((item) => (item.id === changed.id ? changed : item)))}
                         onDeleted={(id) => setRequests((current) => (current ?? []).filter((item) => item.id !== id))} />
          ))}
        </ul>
      )}
      {next && <button type="button" class="more" onClick={loadMore}>More requests</button>}
    </section>
  );
}
