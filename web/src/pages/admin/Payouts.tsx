// Admins start a month's pool split run and follow it (docs/payouts.md): POST /admin/payout-runs answers 202 and
// the run proceeds in the background, so the page polls GET /admin/payout-runs/{id} until it has finished. Below,
// every run (GET /admin/payout-runs, newest period first, a page at a time), each linking to /admin/payouts/{id};
// the list is fetched again after a start, and the open run's row follows its polled status.
import { Fragment } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Page } from "../../api";
import { ErrorMessage, Loading, Empty } from "../../components/Status";
import { Link, navigate } from "../../router";
import { Gate, TextField, formatDate } from "../produce/forms";
import type { Run } from "../produce/types";
import "../produce/produce.css";
import "./admin.css";

const PERIOD = /^[0-9]{4}-(0[1-9]|1[0-2])$/;
const PERIOD_ERROR = "Must be a month as YYYY-MM, e.g. 2026-11.";
const FINISHED = ["completed", "completed_with_failures"];
const POLL_MS = 1500;
const RUNS_PAGE = 20;

function lastMonth(): string {
  const now = new Date();
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${month.getUTCFullYear()}-${String(month.getUTCMonth() + 1).padStart(2, "0")}`;
}

function money(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

export function AdminPayouts({ runId }: { runId?: string }) {
  return <Gate role="admin" what="run payouts">{() => <PayoutsPage runId={runId} />}</Gate>;
}

function PayoutsPage({ runId }: { runId?: string }) {
  const [period, setPeriod] = useState(lastMonth());
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [run, setRun] = useState<Run | null>(null);
  const [runError, setRunError] = useState("");
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [listError, setListError] = useState("");
  const [loadingMore, setLoadingMore] = useState(false);
  const [listVersion, setListVersion] = useState(0);

  // every run, first page; fetched again after a start (listVersion)
  useEffect(() => {
    const controller = new AbortController();
    setListError("");
    api.get<Page<Run>>("/api/v1/admin/payout-runs", { limit: RUNS_PAGE }, controller.signal)
      .then((page) => {
        setRuns(page.items);
        setNext(page.next);
      })
      .catch((failure) => {
        if (controller.signal.aborted) return;
        setListError(errorMessage(failure));
        setRuns((current) => current ?? []);
      });
    return () => controller.abort();
  }, [listVersion]);

  const loadMore = async () => {
    if (!next) return;
    setLoadingMore(true);
    try {
      const page = await api.get<Page<Run>>("/api/v1/admin/payout-runs", { limit: RUNS_PAGE, cursor: next });
      setRuns((current) => [...(current ?? []), ...page.items.filter((run) => !current?.some((r) => r.id === run.id))]);
      setNext(page.next);
    } catch (failure) {
      setListError(errorMessage(failure));
    } finally {
      setLoadingMore(false);
    }
  };

  /** The open run's latest state shown in its row too (a start has fetched the list again, so it is there). */
  const showInList = (current: Run) => {
    setRuns((listed) => listed && listed.map((item) => (item.id === current.id ? { ...current, splits: undefined }
      : item)));
  };

  // the open run, polled until it has finished
  useEffect(() => {
    if (!runId) {
      setRun(null);
      return;
    }
    let stopped = false;
    setRun(null);
    setRunError("");
    const poll = async () => {
      if (stopped) return;
      try {
        const current = await api.get<Run>(`/api/v1/admin/payout-runs/${encodeURIComponent(runId)}`);
        if (stopped) return;
        setRun(current);
        showInList(current);
        if (FINISHED.includes(current.status)) return;
      } catch (failure) {
        setRunError(errorMessage(failure));
        return;
      }
      setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [runId]);

  const periodErrors = PERIOD.test(period.trim()) ? undefined : [PERIOD_ERROR];
  const onStart = async (event: Event) => {
    event.preventDefault();
    setTouched(true);
    setError("");
    if (periodErrors) return;
    setBusy(true);
    try {
      const started = await api.post<Run>("/api/v1/admin/payout-runs", { period: period.trim() });
      setListVersion((version) => version + 1);
      navigate(`/admin/payouts/${started.id}`);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="payouts-title" class="produce admin">
      <h1 id="payouts-title">Payout runs</h1>
      <p class="muted"><Link href="/admin/applications">Producer Program applications</Link></p>
      <form class="form-panel stack" onSubmit={onStart} noValidate aria-labelledby="start-title">
        <h2 id="start-title">Split a month's pool</h2>
        <p class="hint">The month's subscription pool is split between producers by their plays, and each payout-ready
          producer is paid through Stripe. A month that already has a run resumes it: nobody is paid twice.</p>
        <TextField id="payout-period" label="Month (UTC)" required value={period} placeholder="2026-11"
                   errors={touched ? periodErrors : undefined} onValue={(value) => {
                     setPeriod(value);
                     setTouched(true);
                   }} />
        <ErrorMessage message={error} />
        <button type="submit" disabled={busy}>{busy ? "Starting…" : "Start the run"}</button>
      </form>

      {runId && (
        <section class="form-panel stack" aria-labelledby="run-title">
          <h2 id="run-title">Run {run ? `for ${run.period}` : ""}</h2>
          <ErrorMessage message={runError} />
          {!run && !runError && <Loading label="Loading the run…" />}
          {run && <RunDetails run={run} />}
        </section>
      )}

      <h2 id="runs-title">All runs</h2>
      <ErrorMessage message={listError} />
      {runs === null ? <Loading label="Loading the payout runs…" /> : runs.length === 0 ? (
        !listError && <Empty title="No payout runs yet."><p>Start one above once a month has ended.</p></Empty>
      ) : (
        <ul class="panel-rows" aria-labelledby="runs-title">
          {runs.map((item) => (
            <li class={`panel-row${item.id === runId ? " current" : ""}`} key={item.id}
                aria-current={item.id === runId ? "true" : undefined}>
              <div>
                <Link href={`/admin/payouts/${item.id}`}>{item.period}</Link>
                <div class="muted small">
                  Pool {item.pool ? money(item.pool.amount_cents, item.pool.currency) : "—"} · started{" "}
                  {formatDate(item.started_at)}
                </div>
              </div>
              <span class={`badge ${item.status}`}>{item.status.replace(/_/g, " ")}</span>
            </li>
          ))}
        </ul>
      )}
      {next && <button type="button" class="more" onClick={loadMore} disabled={loadingMore}>
        {loadingMore ? "Loading…" : "More runs"}</button>}
    </section>
  );
}

function RunDetails({ run }: { run: Run }) {
  const finished = FINISHED.includes(run.status);
  return (
    <>
      <p role="status" aria-live="polite">
        <span class={`badge ${run.status}`}>{run.status.replace(/_/g, " ")}</span>{" "}
        {finished ? `Finished ${formatDate(run.finished_at)}.` : "Running: this updates as producers are paid…"}
      </p>
      <dl class="facts">
        <dt>Pool</dt><dd>{run.pool ? money(run.pool.amount_cents, run.pool.currency) : "—"}</dd>
        <dt>Platform plays</dt><dd>{run.platform_total ?? "—"}</dd>
        {Object.entries(run.counts ?? {}).map(([status, count]) => (
          <Fragment key={status}><dt>{status.replace(/_/g, " ")}</dt><dd>{count}</dd></Fragment>
        ))}
      </dl>
      {run.splits && run.splits.length > 0 ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Splits of the {run.period} run</caption>
            <thead><tr><th scope="col">Producer</th><th scope="col">Share</th><th scope="col">Pool share</th>
              <th scope="col">Transfer</th><th scope="col">Status</th></tr></thead>
            <tbody>
              {run.splits.map((split) => (
                <tr key={split.id}>
                  <td>{split.artist_ids.map((id, index) => (
                    <Link href={`/artists/${id}`} key={id}>{index ? ", " : ""}page {index + 1}</Link>))}
                    {!split.user_id && <span class="muted"> (unclaimed)</span>}</td>
                  <td>{(split.share * 100).toFixed(2)} %</td>
                  <td>{money(split.amount_cents, split.currency)}</td>
                  <td>{money(split.transfer_cents, split.currency)}</td>
                  <td><span class={`badge ${split.status}`}>{split.status}</span>
                    {split.reason && <span class="muted small"> {split.reason.replace(/_/g, " ")}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">{finished ? "Nobody had plays to pay for this month." : ""}</p>
      )}
    </>
  );
}
