// Log in and sign up. A 422 shows each field's reasons beside the field, in the API's own words.
import { useState } from "preact/hooks";
import { api, ApiError, errorMessage } from "../api";
import { logIn } from "../session";
import { Link, navigate, useLocation } from "../router";
import { ErrorMessage } from "../components/Status";

function FieldErrors({ reasons, id }: { reasons?: string[]; id: string }) {
  if (!reasons?.length) return null;
  return <span class="field-error" id={id}>{reasons.join(" ")}</span>;
}

export function Login() {
  const { search } = useLocation();
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError("");
    try {
      await logIn(String(form.get("email")), String(form.get("password")));
      navigate(search.get("next") ?? "/", true);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="narrow" aria-labelledby="login-title">
      <h1 id="login-title">Log in</h1>
      <form onSubmit={onSubmit} class="stack">
        <label>Email<input name="email" type="email" autoComplete="email" required /></label>
        <label>Password<input name="password" type="password" autoComplete="current-password" required /></label>
        <ErrorMessage message={error} />
        <button type="submit" disabled={busy}>{busy ? "Logging in…" : "Log in"}</button>
      </form>
      <p>New here? <Link href="/signup">Create an account</Link></p>
    </section>
  );
}

export function Signup() {
  const [error, setError] = useState("");
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body = { email: String(form.get("email")), username: String(form.get("username")),
                   password: String(form.get("password")) };
    setBusy(true);
    setError("");
    setFields({});
    try {
      await api.post("/api/v1/auth/register", body);
      await logIn(body.email, body.password);
      navigate("/", true);
    } catch (failure) {
      setError(errorMessage(failure));
      if (failure instanceof ApiError) setFields(failure.fields);
    } finally {
      setBusy(false);
    }
  };
  const described = (name: string) => (fields[name] ? `${name}-error` : undefined);
  return (
    <section class="narrow" aria-labelledby="signup-title">
      <h1 id="signup-title">Sign up</h1>
      <p class="muted">Free to start: stream every beat on the Explorer plan.</p>
      <form onSubmit={onSubmit} class="stack" noValidate>
        <label>Email<input name="email" type="email" autoComplete="email" required
                           aria-invalid={!!fields.email} aria-describedby={described("email")} /></label>
        <FieldErrors reasons={fields.email} id="email-error" />
        <label>Username<input name="username" autoComplete="username" required minLength={3} maxLength={30}
                              aria-invalid={!!fields.username} aria-describedby={described("username")} /></label>
        <FieldErrors reasons={fields.username} id="username-error" />
        <label>Password<input name="password" type="password" autoComplete="new-password" required minLength={10}
                              aria-invalid={!!fields.password} aria-describedby={described("password")} /></label>
        <FieldErrors reasons={fields.password} id="password-error" />
        <ErrorMessage message={error} />
        <button type="submit" disabled={busy}>{busy ? "Creating your account…" : "Create account"}</button>
      </form>
      <p>Already have an account? <Link href="/login">Log in</Link></p>
    </section>
  );
}
