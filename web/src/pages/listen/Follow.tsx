// One follow control for artist pages and user profiles: the count line (given by the page), the Follow toggle
// (PUT / DELETE of `path`), what happened, and the API's error. Whether the caller already follows comes with the
// page itself (`viewer.following` of GET /artists/:id and GET /users/:id, asked with the caller's token).
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage } from "../../api";
import { useSession } from "../../session";
import { ErrorMessage } from "../../components/Status";
import type { FollowState } from "./types";
import { LoginPrompt } from "./TrackActions";

interface FollowProps {
  path: string;
  name: string;
  hidden: boolean;
  /** the page's `viewer.following` */
  following: boolean;
  onChange: (count: number) => void;
  children: ComponentChildren;
}

export function FollowControl({ path, name, hidden, following: given, onChange, children }: FollowProps) {
  const { ready, me } = useSession();
  const [following, setFollowing] = useState(given);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");

  useEffect(() => {
    setFollowing(given);
  }, [path, given]);

  const toggle = async () => {
    setBusy(true);
    setError("");
    try {
      const state = following ? await api.delete<FollowState>(path) : await api.put<FollowState>(path);
      setFollowing(state.following);
      onChange(state.followers_count);
      setStatus(state.following ? `You follow ${name}.` : `You no longer follow ${name}.`);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="follow">
      {children}
      {!ready || hidden ? null : me ? (
        <button type="button" class={following ? "toggle on" : "toggle"} aria-pressed={following}
                onClick={toggle} disabled={busy}><span aria-hidden="true">{following ? "✓" : "+"}</span> Follow</button>
      ) : <LoginPrompt action="follow" />}
      <p class="muted" aria-live="polite">{status}</p>
      <ErrorMessage message={error} />
    </div>
  );
}
