// The one object a page shows (a track, an artist page, a profile) as the signed-in caller sees it: its `viewer`
// says what they like, reposted or follow, so it is asked once the session is known and again when it changes.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, errorMessage } from "./api";
import { useSession } from "./session";

export interface LoadError {
  status: number; // 0 when no HTTP answer came
  message: string;
}

export function useViewed<T>(path: string): [T | null, (next: T) => void, LoadError | null] {
  const { ready, me } = useSession();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<LoadError | null>(null);
  useEffect(() => {
    if (!ready) return;
    const controller = new AbortController();
    setData(null);
    setError(null);
    api.get<T>(path, {}, controller.signal)
      .then(setData)
      .catch((failure) => {
        if (controller.signal.aborted) return;
        setError({ status: failure instanceof ApiError ? failure.status : 0, message: errorMessage(failure) });
      });
    return () => controller.abort();
  }, [path, ready, me?.id]);
  return [data, setData, error];
}
