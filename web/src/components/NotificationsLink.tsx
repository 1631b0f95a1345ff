// The header's Notifications link with the number of unread notifications. The count is asked for when the
// session starts, every minute, and whenever a page says it changed (the notifications page reads them).
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { Link } from "../router";

const listeners = new Set<() => void>();
const EVERY_MS = 60_000;

/** Ask the header to count the unread notifications again. */
export function refreshUnread(): void {
  listeners.forEach((listener) => listener());
}

export function NotificationsLink({ userId }: { userId: string }) {
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () => api.get<{ unread: number }>("/api/v1/me/notifications/unread-count")
      .then((body) => live && setUnread(body.unread))
      .catch(() => undefined);
    void load();
    listeners.add(load);
    const timer = setInterval(load, EVERY_MS);
    return () => {
      live = false;
      listeners.delete(load);
      clearInterval(timer);
    };
  }, [userId]);
  // the accessible name keeps the visible text ("Notifications 3") and adds what the badge means
  return (
    <Link href="/notifications">
      Notifications{unread > 0 && <> <span class="unread-badge" data-testid="unread-count">{unread}</span>
        <span class="visually-hidden"> unread</span></>}
    </Link>
  );
}
