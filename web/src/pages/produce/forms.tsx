// Form pieces the producer and admin pages share: labelled fields whose reasons are tied to them for screen
// readers, the logged-in / role gates, an upload with a progress bar, and a keyboard-friendly tab list.
import type { ComponentChildren, JSX } from "preact";
import { useRef } from "preact/hooks";
import { ApiError, currentAccessToken, refreshSession, type ApiErrorBody } from "../../api";
import { Link, useLocation } from "../../router";
import { useSession } from "../../session";
import { Loading } from "../../components/Status";
import type { Me } from "../../types";

export function describedBy(id: string, errors?: string[], hint?: string): string | undefined {
  return [hint ? `${id}-hint` : "", errors?.length ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
}

export function FieldNotes({ id, errors, hint }: { id: string; errors?: string[]; hint?: string }) {
  return (
    <>
      {hint && <span class="hint" id={`${id}-hint`}>{hint}</span>}
      <span class="field-error" id={`${id}-error`} aria-live="polite">{errors?.length ? errors.join(" ") : ""}</span>
    </>
  );
}

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  errors?: string[];
  hint?: string;
  required?: boolean;
}

type InputRest = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, "value" | "id" | "label" | "required">;

export function TextField({ id, label, value, onValue, errors, hint, required, ...rest }: FieldProps & InputRest) {
  return (
    <div class="field">
      <label for={id}>{label}{required && <span aria-hidden="true"> *</span>}</label>
      <input id={id} value={value} onInput={(event) => onValue((event.currentTarget as HTMLInputElement).value)}
             aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy(id, errors, hint)}
             aria-required={required || undefined} {...rest} />
      <FieldNotes id={id} errors={errors} hint={hint} />
    </div>
  );
}

export function TextArea({ id, label, value, onValue, errors, hint, required, rows = 4 }: FieldProps & { rows?: number }) {
  return (
    <div class="field">
      <label for={id}>{label}{required && <span aria-hidden="true"> *</span>}</label>
      <textarea id={id} value={value} rows={rows}
                onInput={(event) => onValue((event.currentTarget as HTMLTextAreaElement).value)}
                aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy(id, errors, hint)}
                aria-required={required || undefined} />
      <FieldNotes id={id} errors={errors} hint={hint} />
    </div>
  );
}

export function SelectField({ id, label, value, onValue, errors, hint, required, options, placeholder, disabled }:
  FieldProps & { options: [string, string][]; placeholder?: string; disabled?: (value: string) => boolean }) {
  return (
    <div class="field">
      <label for={id}>{label}{required && <span aria-hidden="true"> *</span>}</label>
      <select id={id} value={value} onChange={(event) => onValue((event.currentTarget as HTMLSelectElement).value)}
              aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy(id, errors, hint)}
              aria-required={required || undefined}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map(([option, text]) => <option value={option} disabled={disabled?.(option)}>{text}</option>)}
      </select>
      <FieldNotes id={id} errors={errors} hint={hint} />
    </div>
  );
}

export const pairs = (values: string[]): [string, string][] => values.map((value) => [value, value]);

/** The page for people who are not logged in, or lack a role; otherwise the page itself, given the account. */
export function Gate({ role, what, children }: { role?: "producer" | "admin"; what: string;
                                                 children: (me: Me) => ComponentChildren }) {
  const { ready, me } = useSession();
  const { path } = useLocation();
  if (!ready) return <Loading />;
  if (!me) {
    return (
      <section class="narrow">
        <h1>Log in to {what}</h1>
        <p><Link href={`/login?next=${encodeURIComponent(path)}`}>Log in</Link> or{" "}
          <Link href="/signup">create an account</Link> first.</p>
      </section>
    );
  }
  if (role === "admin" && !me.roles.includes("admin")) {
    return <section class="narrow"><h1>Admins only</h1><p>Your account cannot {what}.</p></section>;
  }
  if (role === "producer" && !me.roles.includes("producer")) {
    return (
      <section class="narrow">
        <h1>Producers only</h1>
        <p>Only producers can {what}. <Link href="/producer-program">Apply to the Producer Program</Link> — an admin
          reviews every application.</p>
      </section>
    );
  }
  return <>{children(me)}</>;
}

/** A multipart request through XMLHttpRequest, which reports upload progress (fetch does not). A 401 (the hour-long
 * access token expired) refreshes the session once and sends again. Fails with the API's ApiError. */
export function sendWithProgress<T>(method: string, path: string, form: FormData,
                                    onProgress: (fraction: number) => void, retry = true): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader("Accept", "application/json");
    const token = currentAccessToken();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new Error("network"));
    xhr.onload = async () => {
      if (xhr.status === 401 && retry && token && (await refreshSession())) {
        sendWithProgress<T>(method, path, form, onProgress, false).then(resolve, reject);
        return;
      }
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as T);
        return;
      }
      const error = body && typeof body === "object" && "message" in body && "error" in body ? body as ApiErrorBody
        : { error: `http_${xhr.status}`, message: `The server answered ${xhr.status}. Try again.` };
      reject(new ApiError(xhr.status, error));
    };
    xhr.send(form);
  });
}

/** A tab list after the WAI-ARIA pattern: arrow keys, Home and End move between tabs. */
export function Tabs({ id, label, tabs, current, onSelect }: { id: string; label: string; tabs: [string, string][];
                                                                 current: string; onSelect: (tab: string) => void }) {
  const list = useRef<HTMLDivElement>(null);
  const onKey = (event: KeyboardEvent) => {
    const index = tabs.findIndex(([tab]) => tab === current);
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = tabs[(moves[event.key] + tabs.length) % tabs.length][0];
    onSelect(next);
    list.current?.querySelector<HTMLButtonElement>(`#${id}-tab-${next}`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label={label} ref={list} onKeyDown={onKey}>
      {tabs.map(([tab, text]) => (
        <button type="button" role="tab" id={`${id}-tab-${tab}`} aria-selected={tab === current}
                aria-controls={`${id}-panel`} tabIndex={tab === current ? 0 : -1} onClick={() => onSelect(tab)}
                class={tab === current ? "tab current" : "tab"}>{text}</button>
      ))}
    </div>
  );
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return "";
  return new Date(value).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}
