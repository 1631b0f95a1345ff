// Signed download links (no Authorization header needed; they expire) and a licence's certificate, which the API
// serves only with the bearer token: fetched as a Blob and handed to the browser through an object URL.
import { useState } from "preact/hooks";
import { errorMessage, fetchBlob } from "../../api";
import { ErrorMessage } from "../../components/Status";
import { formatDateTime } from "./format";
import type { License, SignedFiles } from "./types";

const LABELS: Record<string, string> = {
  original: "Original", wav: "WAV", tagged_wav: "Tagged WAV", mp3_320: "MP3 320", stems: "Stems",
};
const ORDER = ["original", "wav", "tagged_wav", "mp3_320", "stems"] as const;

export function FileLinks({ files, title }: { files: SignedFiles; title: string }) {
  // an exclusive's `wav` is the original itself when the upload is a WAV: one button for one file
  const sameAsOriginal = (name: string) => name === "wav" && files.original?.format === "wav";
  const entries = ORDER.flatMap((name) => (files[name] && !sameAsOriginal(name) ? [[name, files[name]!] as const] : []));
  return (
    <div>
      <ul class="files" aria-label={`Files of ${title}`}>
        {entries.map(([name, file]) => (
          <li key={name}>
            <a class="button" href={file.url} download={file.filename}>
              Download {LABELS[name]} ({file.format.toUpperCase()})</a>
          </li>
        ))}
      </ul>
      <p class="muted">These links work until {formatDateTime(files.expires_at)}; your library gives fresh ones.</p>
    </div>
  );
}

export function CertificateButton({ license }: { license: License }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const save = async () => {
    setBusy(true);
    setError("");
    try {
      const { blob, filename } = await fetchBlob(license.links.certificate);
      const url = URL.createObjectURL(blob);
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = filename ?? `beatpass-license-${license.id}.pdf`;
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="secondary" onClick={save} disabled={busy}
              aria-label={`Certificate (PDF) of the licence for ${license.track_title}`}>
        {busy ? "Preparing the certificate…" : "Certificate (PDF)"}</button>
      <ErrorMessage message={error} />
    </>
  );
}

/** The public verification page (served by the gateway, not the app: a plain link, not the router's). */
export function VerifyLink({ license }: { license: License }) {
  return <a href={license.links.verify} aria-label={`Verification page of the licence for ${license.track_title}`}>
    Verification page</a>;
}
