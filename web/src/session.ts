// Who is logged in: the access token (in api.ts's memory) and the account behind it. On start the app tries
// the refresh cookie once, so a reload keeps the person logged in without storing a token in the page.
import { useEffect, useState } from "preact/hooks";
import { api, hasAccessToken, onSessionChange, refreshSession, setAccessToken } from "./api";
import type { Me } from "./types";

interface SessionState {
  ready: boolean;
  me: Me | null;
}

let state: SessionState = { ready: false, me: null };
const subscribers = new Set<(state: SessionState) => void>();

function publish(next: SessionState): void {
  state = next;
  subscribers.forEach((subscriber) => subscriber(state));
}

async function loadMe(): Promise<void> {
  if (!hasAccessToken()) {
    publish({ ready: true, me: null });
    return;
  }
  try {
    publish({ ready: true, me: await api.get<Me>("/api/v1/me") });
  } catch {
    publish({ ready: true, me: null });
  }
}

onSessionChange(() => {
  if (!hasAccessToken()) publish({ ready: true, me: null });
});

export async function startSession(): Promise<void> {
  // the gateway's readable beatpass_signed_in cookie says a refresh cookie exists: only then is a refresh worth it
  if (document.cookie.split("; ").includes("beatpass_signed_in=1")) await refreshSession();
  await loadMe();
}

export async function logIn(email: string, password: string): Promise<void> {
  const tokens = await api.post<{ access_token: string }>("/api/v1/auth/login", { email, password });
  setAccessToken(tokens.access_token);
  await loadMe();
}

export async function logOut(): Promise<void> {
  try {
    await api.post("/api/v1/auth/logout", {});
  } finally {
    setAccessToken(null);
  }
}

export const reloadMe = loadMe;

export function useSession(): SessionState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    subscribers.add(setCurrent);
    setCurrent(state);
    return () => {
      subscribers.delete(setCurrent);
    };
  }, []);
  return current;
}
