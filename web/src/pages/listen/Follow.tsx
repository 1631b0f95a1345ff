// One follow control for artist pages and user profiles: the count line (given by the page), the Follow toggle
// (PUT / DELETE of `path`), what happened, and the API's error. Neither API says whether the caller already
// follows, so `isFollowing` looks it up in a list (`contains` in lists.ts).
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
  isFollowing: (meId: string) => Promise<boolean>;
  onChange: (count: number) => void;
  children: ComponentChildren;
}

export function FollowControl({ path, name, hidden, isFollowing, onChange, children }: FollowProps) {
  const { ready, me } = useSession();
  const [following, setFollowing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");

  useEffect(() => {
    setFollowing(false);
    if (!me || hidden) return;
    let live = true;
    isFollowing(me.id).then((found) => live && setFollowing(found)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, [path, me?.id]);

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
