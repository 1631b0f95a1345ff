// Backstage's first page: the greeting, the page's real totals and this month's, level and XP, and shortcuts.
import { Link } from "../../router";
import { Loaded, Stat, formatInt, useArtist, useProducerGet, withArtist } from "./shared";
import type { Dashboard as DashboardData } from "./types";

/** The API's shortcuts name the producer endpoints (`/producer/beats`); the app's pages live under /backstage. */
function appHref(href: string): string {
  return href.replace(/^\/producer(\/|$)/, "/backstage$1");
}

export function Dashboard() {
  const artist = useArtist();
  const state = useProducerGet<DashboardData>("/api/v1/producer/dashboard");
  return (
    <section aria-labelledby="bs-title">
      <h1 id="bs-title">Dashboard</h1>
      <Loaded state={state} label="Loading your dashboard…">
        {({ greeting, stats, shortcuts }) => (
          <>
            <p class="bs-greeting">{greeting}</p>
            <dl class="bs-stats" aria-label="Quick stats">
              <Stat label="Plays" value={formatInt(stats.plays)} detail={`${formatInt(stats.plays_this_month)} this month`} />
              <Stat label="Downloads" value={formatInt(stats.downloads)}
                    detail={`${formatInt(stats.downloads_this_month)} this month`} />
              <Stat label="Uploads" value={formatInt(stats.uploads)}
                    detail={`${formatInt(stats.uploads_this_month)} this month`} />
              <Stat label="Level" value={`${stats.level} · ${stats.title}`} detail={`${formatInt(stats.xp)} XP`} />
            </dl>
            <h2>Shortcuts</h2>
            <ul class="bs-shortcuts">
              {shortcuts.map(({ label, href }) => {
                const target = appHref(href);
                return <li><Link href={target.startsWith("/backstage") ? withArtist(target, artist) : target}>{label}</Link></li>;
              })}
            </ul>
          </>
        )}
      </Loaded>
    </section>
  );
}
