// The library's licences (/library/licenses): every licence the account holds, newest first, with fresh download
// links, the certificate PDF and the public verification page. Licences stay after a plan ends.
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Page } from "../../api";
import { useSession } from "../../session";
import { Link } from "../../router";
import { Empty, ErrorMessage, Loading } from "../../components/Status";
import { CertificateButton, FileLinks, VerifyLink } from "./Files";
import { formatDate, formatMoney } from "./format";
import type { License, SignedFiles } from "./types";
import "./money.css";

const PAGE_SIZE = 20;

function LicenseItem({ license }: { license: License }) {
  const [files, setFiles] = useState<SignedFiles | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const revoked = license.status === "revoked";
  const getFiles = async () => {
    setBusy(true);
    setError("");
    try {
      setFiles(await api.post<SignedFiles>(`/api/v1/licenses/${license.id}/files`));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  const works = license.terms?.new_works;
  return (
    <li class="panel license" aria-labelledby={`license-${license.id}`}>
      <h2 id={`license-${license.id}`}><Link href={`/tracks/${license.track_id}`}>{license.track_title}</Link></h2>
      <p class="byline">
        <Link href={`/artists/${license.artist_id}`}>{license.producer_name}</Link>{" · "}
        <span class="badge">{license.type === "exclusive" ? "Exclusive licence" : "Standard licence"}</span>{" "}
        <span class={revoked ? "badge warn" : "badge ok"}>{revoked ? "Revoked" : "Valid"}</span>
      </p>
      <dl class="facts">
        <dt>Issued</dt><dd>{formatDate(license.issued_at)}</dd>
        {revoked && <><dt>Revoked</dt><dd>{formatDate(license.revoked_at)}</dd></>}
        <dt>New works</dt><dd>{works === null || works === undefined ? "Unlimited" : works}</dd>
        {license.terms?.credit && <><dt>Credit</dt><dd>{license.terms.credit}</dd></>}
        {license.price && <><dt>Paid</dt>
          <dd>{formatMoney(license.price.price_cents + license.price.fee_cents, license.price.currency)} (price{" "}
            {formatMoney(license.price.price_cents, license.price.currency)} + fee{" "}
            {formatMoney(license.price.fee_cents, license.price.currency)})</dd></>}
        <dt>Licence ID</dt><dd class="fingerprint">{license.id}</dd>
      </dl>
      <div class="actions">
        {!revoked && !files && (
          <button type="button" onClick={getFiles} disabled={busy}
                  aria-label={`Get download links for ${license.track_title}`}>
            {busy ? "Getting the links…" : "Download files"}</button>
        )}
        <CertificateButton license={license} />
        <VerifyLink license={license} />
      </div>
      <div aria-live="polite">
        {files && <FileLinks files={files} title={license.track_title} />}
        <ErrorMessage message={error} />
      </div>
    </li>
  );
}

export function Licenses() {
  const { ready, me } = useSession();
  const [licenses, setLicenses] = useState<License[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    if (!me) return;
    const controller = new AbortController();
    api.get<Page<License>>("/api/v1/me/licenses", { limit: PAGE_SIZE }, controller.signal)
      .then((page) => {
        setLicenses(page.items);
        setNext(page.next);
      })
      .catch((failure) => {
        setError(errorMessage(failure));
        setLicenses([]);
      });
    return () => controller.abort();
  }, [me?.id]);

  const loadMore = async () => {
    if (!next) return;
    setLoadingMore(true);
    try {
      const page = await api.get<Page<License>>("/api/v1/me/licenses", { limit: PAGE_SIZE, cursor: next });
      setLicenses((current) => [...(current ?? []), ...page.items]);
      setNext(page.next);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setLoadingMore(false);
    }
  };

  if (!ready) return <Loading />;
  if (!me) {
    return <section><h1>Your licences</h1>
      <p><Link href="/login?next=/library/licenses">Log in</Link> to see your licences.</p></section>;
  }
  return (
    <section aria-labelledby="licenses-title">
      <h1 id="licenses-title">Your licences</h1>
      <p class="muted">Each download issues a standard licence for one new work; an exclusive's purchase issues an
        exclusive licence. They stay valid after a plan ends. Anyone can check one on its verification page.</p>
      <ErrorMessage message={error} />
      {licenses === null ? <Loading label="Loading your licences…" /> : licenses.length === 0 && !error ? (
        <Empty title="No licences yet.">
          <p>Download a beat with a paid plan, or buy an exclusive, and its licence shows here.{" "}
            <Link href="/plans">See the plans</Link>.</p>
        </Empty>
      ) : (
        <ul class="licenses" aria-label="Licences">
          {licenses.map((license) => <LicenseItem key={license.id} license={license} />)}
        </ul>
      )}
      {next && <button type="button" class="more" onClick={loadMore} disabled={loadingMore}>
        {loadingMore ? "Loading…" : "More licences"}</button>}
    </section>
  );
}
