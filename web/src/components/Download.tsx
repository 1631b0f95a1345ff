// The track page's download and exclusive purchase. GET /tracks/{id}/download-eligibility says whether the caller
// may download and, when not, why (in the API's words, with the way forward: the plans, the billing portal, the
// exclusive); POST /tracks/{id}/download issues the standard licence and answers signed file links. An exclusive
// on sale shows its price and the buyer's fee, and its Buy button goes to Stripe Checkout.
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage } from "../api";
import { useSession } from "../session";
import { Link } from "../router";
import type { Track } from "../types";
import { ErrorMessage, Loading } from "./Status";
import { CertificateButton, FileLinks, VerifyLink } from "../pages/money/Files";
import { formatMoney } from "../pages/money/format";
import type { Eligibility, Exclusive, ExclusiveCheckout, LicensedDownload } from "../pages/money/types";
import "../pages/money/money.css";

/** The buyer's fee as POST /tracks/{id}/exclusive/checkout documents it: 12 % of the price rounded half up to the
 *  cent, plus 3.00. Shown before the checkout; Stripe's page then charges the amounts the API computed. */
export function buyerFeeCents(priceCents: number): number {
  return Math.floor((priceCents * 12 + 50) / 100) + 300;
}

export function TrackDownload({ track }: { track: Track }) {
  const { ready, me } = useSession();
  const [eligibility, setEligibility] = useState<Eligibility | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<LicensedDownload | null>(null);
  const exclusive = (track as Track & { exclusive?: Exclusive | null }).exclusive ?? null;

  useEffect(() => {
    setEligibility(null);
    setResult(null);
    setError("");
    if (!me) return;
    const controller = new AbortController();
    api.get<Eligibility>(`/api/v1/tracks/${track.id}/download-eligibility`, {}, controller.signal)
      .then(setEligibility)
      .catch((failure) => setError(errorMessage(failure)));
    return () => controller.abort();
  }, [track.id, me?.id]);

  const download = async () => {
    setBusy(true);
    setError("");
    try {
      setResult(await api.post<LicensedDownload>(`/api/v1/tracks/${track.id}/download`));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  if (!ready) return null;
  const next = encodeURIComponent(`/tracks/${track.id}`);
  const reasonId = `download-reason-${track.id}`;
  const own = eligibility?.reason === "own_track";
  return (
    <section class="download-box" aria-labelledby="download-title">
      <h2 id="download-title">Download</h2>
      {!me ? (
        <p><Link href={`/login?next=${next}`}>Log in</Link> to download. Downloads come with the paid{" "}
          <Link href="/plans">plans</Link>.</p>
      ) : !eligibility ? (error ? null : <Loading label="Checking whether you can download…" />) : (
        <>
          <div class="actions">
            <button type="button" onClick={download} disabled={!eligibility.allowed || busy}
                    aria-describedby={reasonId}>
              {busy ? "Preparing your files…" : own ? "Download your track" : "Download"}</button>
            {!eligibility.allowed && eligibility.reason === "free_plan" && <Link href="/plans">See the plans</Link>}
            {!eligibility.allowed && eligibility.reason === "payment_overdue" &&
              <Link href="/account/billing">Update your payment</Link>}
          </div>
          <p id={reasonId} class={eligibility.allowed ? "muted" : "notice"} data-testid="download-reason">
            {eligibility.message}</p>
        </>
      )}
      <div aria-live="polite">
        {result && (
          <>
            {result.license ? (
              <p class="ok-text">Standard licence issued. It is in <Link href="/library/licenses">your licences</Link>.</p>
            ) : <p class="muted">Your own track: no licence needed.</p>}
            <FileLinks files={result.files} title={track.name} />
            {result.license && (
              <div class="actions">
                <CertificateButton license={result.license} />
                <VerifyLink license={result.license} />
              </div>
            )}
          </>
        )}
        <ErrorMessage message={error} />
      </div>
      {exclusive && track.licensing_model !== "standard" && (
        <ExclusiveOffer trackId={track.id} exclusive={exclusive} own={own} signedIn={!!me} />
      )}
    </section>
  );
}

function ExclusiveOffer({ trackId, exclusive, own, signedIn }:
  { trackId: string; exclusive: Exclusive; own: boolean; signedIn: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const money = (cents: number) => formatMoney(cents, exclusive.currency);
  const fee = buyerFeeCents(exclusive.price_cents);

  const buy = async () => {
    setBusy(true);
    setError("");
    try {
      const session = await api.post<ExclusiveCheckout>(`/api/v1/tracks/${trackId}/exclusive/checkout`);
      location.href = session.url; // Stripe's hosted Checkout page; it returns to /exclusive/success or /cancel
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="exclusive-title">
      <h2 id="exclusive-title">Exclusive rights</h2>
      {exclusive.status === "sold" ? (
        <p><span class="badge">Sold</span> This track's exclusive has been sold.</p>
      ) : exclusive.status === "private" ? (
        <p>The exclusive is not sold here: contact the producer.</p>
      ) : (
        <>
          <dl class="facts">
            <dt>Price</dt><dd>{money(exclusive.price_cents)}</dd>
            <dt>Buyer's fee</dt><dd>{money(fee)} <span class="muted">(12 % + {money(300)})</span></dd>
            <dt>Total</dt><dd data-testid="exclusive-total"><strong>{money(exclusive.price_cents + fee)}</strong></dd>
          </dl>
          {own ? <p class="muted">Your track's exclusive is on sale.</p>
            : !signedIn ? <p><Link href={`/login?next=${encodeURIComponent(`/tracks/${trackId}`)}`}>Log in</Link> to
                buy the exclusive.</p>
            : <button type="button" onClick={buy} disabled={busy}>
                {busy ? "Opening Stripe Checkout…" : `Buy the exclusive for ${money(exclusive.price_cents + fee)}`}</button>}
          <p class="muted">One buyer only: the track then issues no new licences (earlier ones stay valid).</p>
        </>
      )}
      <ErrorMessage message={error} />
    </section>
  );
}
