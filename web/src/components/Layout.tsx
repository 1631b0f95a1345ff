import type { ComponentChildren } from "preact";
import { logOut, useSession } from "../session";
import { Link, navigate } from "../router";

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
          <Link href="/leaderboards">Leaderboards</Link>
          {me?.roles.includes("producer") && <Link href="/backstage">Backstage</Link>}
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
