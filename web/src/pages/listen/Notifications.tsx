// The signed-in user's notifications (/notifications), newest first, each kind said in words. Listing them is
// reading them (the API marks the listed ones read): the ones that were unread until now are marked "New".
import { useEffect } from "preact/hooks";
import { useSession } from "../../session";
import { Link, useLocation } from "../../router";
import { Loading } from "../../components/Status";
import { refreshUnread } from "../../components/NotificationsLink";
import type { Notification } from "./types";
import { moment, money, PagedList, plural, usePaged } from "./lists";
import { LoginPrompt } from "./TrackActions";
import "./listen.css";

export function Notifications() {
  const { ready, me } = useSession();
  const { search } = useLocation();
  const unreadOnly = search.get("unread") === "1";
  const paged = usePaged<Notification>(me ? "/api/v1/me/notifications" : null, { unread: unreadOnly || null });

  useEffect(() => {
    if (paged.items !== null) refreshUnread();  // the listed ones are read now
  }, [paged.items?.length]);

  if (!ready) return <Loading />;
  if (!me) {
    return <section><h1>Notifications</h1><LoginPrompt action="see your notifications" /></section>;
  }
  return (
    <section aria-labelledby="notifications-title">
      <h1 id="notifications-title">Notifications</h1>
      <nav class="subtabs" aria-label="Which notifications">
        <Link href="/notifications" class="tab" aria-current={unreadOnly ? undefined : "page"}>All</Link>
        <Link href="/notifications?unread=1" class="tab" aria-current={unreadOnly ? "page" : undefined}>Unread</Link>
      </nav>
      <p class="muted">Opening this list marks the notifications on it as read.</p>
      <PagedList paged={paged} label="Notifications"
                 empty={unreadOnly ? "No unread notifications." : "No notifications yet."}>
        {(item) => (
          <li class={item.read ? "notification" : "notification unread"} key={item.id}>
            {!item.read && <span class="pill new">New</span>}
            <span class="notification-text">{describe(item)}</span>
            <time class="muted" dateTime={item.created_at}>{moment(item.created_at)}</time>
          </li>
        )}
      </PagedList>
    </section>
  );
}

const text = (value: unknown, fallback = ""): string => (typeof value === "string" && value ? value : fallback);
const count = (value: unknown): number => (typeof value === "number" ? value : 0);
const words = (value: unknown): string => text(value).replace(/_/g, " ");

function describe({ kind, payload: p }: Notification) {
  switch (kind) {
    case "beat_request_match":
      return <>A new beat request matches your sound: {text(p.genre, "any genre")}, {count(p.bpm_min)}–{count(p.bpm_max)} BPM
        {p.mood ? `, ${text(p.mood)}` : ""}, budget {money(p.budget_cents, p.currency)}
        {p.expires_at ? `, open until ${moment(text(p.expires_at))}` : ""}.</>;
    case "beat_request_response":
      return <><Link href={`/artists/${text(p.artist_id)}`}>{text(p.artist_name, "A producer")}</Link> answered your
        beat request with <Link href={`/tracks/${text(p.track_id)}`}>{text(p.track_name, "a beat")}</Link>.</>;
    case "exclusive_purchase_refunded":
      return <>Your exclusive purchase of <Link href={`/tracks/${text(p.track_id)}`}>{text(p.track_name, "a beat")}</Link> could
        not be completed{p.reason ? ` (${words(p.reason)})` : ""}: {money(p.amount_cents, p.currency)} was refunded.</>;
    case "payout_update":
      return p.status === "paid"
        ? <>Your payout for {text(p.period, "the month")} was paid: {money(p.amount_cents, p.currency)}.</>
        : <>Your payout of {money(p.amount_cents, p.currency)} for {text(p.period, "the month")} failed
            {p.reason ? `: ${words(p.reason)}` : ""}.</>;
    case "new_follower":
      return <>{p.follower_username ? <Link href={`/users/${text(p.follower_user_id)}`}>{text(p.follower_username)}</Link>
                                    : "Someone"} now follows <Link href={`/artists/${text(p.artist_id)}`}>{text(p.artist_name, "your page")}</Link>
        {typeof p.followers_count === "number" ? ` (${plural(count(p.followers_count), "follower")} now)` : ""}.</>;
    case "analytics_report":
      return <>Your month on <Link href={`/artists/${text(p.artist_id)}`}>{text(p.artist_name, "your page")}</Link>
        {p.month ? ` (${text(p.month)})` : ""}: {plural(count(p.plays), "play")}, {plural(count(p.likes), "like")},
        {" "}{plural(count(p.new_followers), "new follower")} — {plural(count(p.followers_count), "follower")} in all.</>;
    default:
      return <>A notification ({words(kind)}).</>;
  }
}
