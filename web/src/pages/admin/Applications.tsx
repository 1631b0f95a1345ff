// Admins review Producer Program applications: pending first; approve, or reject with a reason the applicant sees.
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Page } from "../../api";
import { Empty, ErrorMessage, Loading } from "../../components/Status";
import { Link } from "../../router";
import { Gate, Tabs, TextArea, formatDate } from "../produce/forms";
import { KIND_LABELS } from "../produce/ProducerProgram";
import { NOT_BLANK, longer, MISSING, REJECTION_REASON_MAX } from "../produce/rules";
import type { Application } from "../produce/types";
import "../produce/produce.css";
import "./admin.css";

const STATUSES: [string, string][] = [["pending", "Pending"], ["approved", "Approved"], ["rejected", "Rejected"]];

export function AdminApplications() {
  return <Gate role="admin" what="review applications">{() => <ApplicationsPage />}</Gate>;
}

function ApplicationsPage() {
  const [status, setStatus] = useState("pending");
  const [items, setItems] = useState<Application[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");

  const load = async (cursor?: string) => {
    try {
      const page = await api.get<Page<Application>>("/api/v1/admin/producer-applications",
                                                    { status, limit: 20, cursor });
      setItems((current) => (cursor ? [...(current ?? []), ...page.items] : page.items));
      setNext(page.next);
      setError("");
    } catch (failure) {
      setError(errorMessage(failure));
      setItems((current) => current ?? []);
    }
  };

  useEffect(() => {
    setItems(null);
    void load();
  }, [status]);

  const decided = (application: Application) => {
    setItems((current) => (current ?? []).filter((item) => item.id !== application.id));
    setNotice(`${application.username ?? "The applicant"}'s ${KIND_LABELS[application.type]} application was `
              + `${application.status}.`);
  };

  return (
    <section aria-labelledby="admin-apps-title" class="produce admin">
      <h1 id="admin-apps-title">Producer Program applications</h1>
      <p class="muted"><Link href="/admin/payouts">Payout runs</Link></p>
      <Tabs id="apps" label="Applications by status" tabs={STATUSES} current={status} onSelect={(tab) => {
        setStatus(tab);
        setNotice("");
      }} />
      <div id="apps-panel" role="tabpanel" aria-labelledby={`apps-tab-${status}`}>
        <p role="status" aria-live="polite" class="ok">{notice}</p>
        <ErrorMessage message={error} />
        {items === null ? <Loading label="Loading the applications…" /> : items.length === 0 ? (
          <Empty title={`No ${status} applications.`}>
            <p>{status === "pending" ? "New applications show here as they come in." : ""}</p>
          </Empty>
        ) : (
          <ul class="review-list" aria-label={`${status} applications`}>
            {items.map((application) => (
              <ApplicationCard key={application.id} application={application} onDecided={decided} />
            ))}
          </ul>
        )}
        {next && <button type="button" class="more secondary" onClick={() => load(next)}>More applications</button>}
      </div>
    </section>
  );
}

function ApplicationCard({ application, onDecided }: { application: Application;
                                                       onDecided: (application: Application) => void }) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const who = application.username ?? "a deleted account";
  const title = `${KIND_LABELS[application.type]} — ${application.producer_name ?? who}`;
  const headingId = `app-${application.id}`;

  const reasonErrors = !reason.trim() ? [reason ? NOT_BLANK : MISSING]
    : reason.length > REJECTION_REASON_MAX ? [longer(REJECTION_REASON_MAX)] : undefined;

  const decide = async (action: "approve" | "reject") => {
    if (action === "reject" && reasonErrors) {
      setTouched(true);
      return;
    }
    setBusy(true);
    setError("");
    try {
      const decided = await api.post<Application>(
        `/api/v1/admin/producer-applications/${application.id}/${action}`,
        action === "reject" ? { reason: reason.trim() } : {});
      onDecided(decided);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li class="review" aria-labelledby={headingId}>
      <div class="review-head">
        <h2 id={headingId}>{title}</h2>
        <span class={`badge ${application.status}`}>{application.status}</span>
      </div>
      <dl class="facts">
        <dt>Account</dt><dd>{who}</dd>
        {(application.first_name || application.last_name) && (
          <><dt>Name</dt><dd>{[application.first_name, application.last_name].filter(Boolean).join(" ")}</dd></>
        )}
        {application.beats_link && (
          <><dt>Beats</dt><dd><a href={application.beats_link} rel="noopener noreferrer nofollow" target="_blank">
            {application.beats_link}</a></dd></>
        )}
        {application.label && <><dt>Label</dt><dd>{application.label}</dd></>}
        {application.instagram && <><dt>Instagram</dt><dd>{application.instagram}</dd></>}
        {application.artist_id && (
          <><dt>Claims</dt><dd><Link href={`/artists/${application.artist_id}`}>the artist page</Link></dd></>
        )}
        <dt>Sent</dt><dd>{formatDate(application.created_at)}</dd>
        {application.decided_at && <><dt>Decided</dt><dd>{formatDate(application.decided_at)}</dd></>}
        {application.rejection_reason && <><dt>Reason</dt><dd>{application.rejection_reason}</dd></>}
      </dl>
      {application.status === "pending" && (
        <div class="stack">
          {rejecting && (
            <TextArea id={`reason-${application.id}`} label="Reason for the rejection (the applicant sees it)"
                      required value={reason} errors={touched ? reasonErrors : undefined} rows={3}
                      onValue={(value) => {
                        setReason(value);
                        setTouched(true);
                      }} />
          )}
          <ErrorMessage message={error} />
          <div class="actions">
            {!rejecting && <button type="button" disabled={busy} onClick={() => decide("approve")}
                                   aria-describedby={headingId}>Approve</button>}
            {!rejecting ? (
              <button type="button" class="secondary danger" onClick={() => setRejecting(true)}
                      aria-describedby={headingId}>Reject…</button>
            ) : (
              <>
                <button type="button" class="danger-solid" disabled={busy} onClick={() => decide("reject")}
                        aria-describedby={headingId}>Reject with this reason</button>
                <button type="button" class="secondary" onClick={() => setRejecting(false)}>Cancel</button>
              </>
            )}
          </div>
        </div>
      )}
    </li>
  );
}
