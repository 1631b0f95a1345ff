import type { ComponentChildren } from "preact";
import { logOut, useSession } from "../session";
import { Link, navigate } from "../router";
import { NotificationsLink } from "./NotificationsLink";

export function Layout({ children }: { children: ComponentChildren }) {
  const { ready, me } = useSession();
  const onLogOut = async () => {
    await logOut();
    navigate("/");
  };
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <Link class="brand" href="/">BeatPass</Link>
        <nav aria-label="Main">
          <Link href="/">Browse</Link>
          <Link href="/plans">Plans</Link>
          <Link href="/leaderboards">Leaderboards</Link>
          {me && <Link href="/library">Library</Link>}
          {me && <NotificationsLink userId={me.id} />}
          {me?.roles.includes("producer") && <Link href="/backstage">Backstage</Link>}
          {me?.roles.includes("producer") && <Link href="/upload">Upload</Link>}
          {me && !me.roles.includes("producer") && <Link href="/producer-program">Become a producer</Link>}
          {me?.roles.includes("admin") && <Link href="/admin/applications">Admin</Link>}
        </nav>
        <div class="account" aria-live="polite">
          {!ready ? null : me ? (
            <>
              <Link href={`/users/${me.id}`} class="who">{me.username}</Link>
              <button type="button" class="link" onClick={onLogOut}>Log out</button>
            </>
          ) : (
            <>
              <Link href="/login">Log in</Link>
              <Link href="/signup" class="button">Sign up</Link>
            </>
          )}
        </div>
      </header>
      <main id="main" class="page" tabIndex={-1}>{children}</main>
    </>
  );
}
