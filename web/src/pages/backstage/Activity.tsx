// The yearly contribution graph: the API's 365 days (oldest first, ending today, UTC) as 53 week columns × 7
// weekday rows, each day's colour by its plays, a ring on days with an upload; then the overview and the
// download engagement. The grid is a table: a screen reader walks it by weekday and week, each cell saying its
// date and counts (also its tooltip).
import { useEffect, useRef } from "preact/hooks";
import { Loaded, Stat, formatDay, formatDecimal, formatInt, useProducerGet } from "./shared";
import type { Activity as ActivityData, ActivityDay } from "./types";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const WEEKS = 53;

function plural(count: number, word: string): string {
  return `${formatInt(count)} ${word}${count === 1 ? "" : "s"}`;
}

export function describeDay(day: ActivityDay): string {
  return `${formatDay(day.date, true)}: ${plural(day.plays, "play")}, ${plural(day.downloads, "download")}, ` +
    plural(day.uploads, "upload");
}

/** Intensity 0–4 by plays, relative to the busiest day of the year. */
function level(plays: number, most: number): number {
  if (plays <= 0 || most <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((plays / most) * 4)));
}

/** rows[weekday][week]: the day in that cell, or null outside the year shown. */
function layout(days: ActivityDay[]): (ActivityDay | null)[][] {
  const rows = WEEKDAYS.map(() => Array<ActivityDay | null>(WEEKS).fill(null));
  if (!days.length) return rows;
  const offset = new Date(`${days[0].date}T00:00:00Z`).getUTCDay();
  days.forEach((day, index) => {
    const slot = index + offset;
    const week = Math.floor(slot / 7);
    if (week < WEEKS) rows[slot % 7][week] = day;
  });
  return rows;
}

function monthOf(day: ActivityDay | null): string {
  return day ? new Date(`${day.date}T00:00:00Z`).toLocaleDateString(undefined, { month: "short", timeZone: "UTC" }) : "";
}

function Graph({ days }: { days: ActivityDay[] }) {
  const rows = layout(days);
  const most = Math.max(0, ...days.map((day) => day.plays));
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // on a narrow screen, start at the latest weeks (today is at the right end)
    if (scroller.current) scroller.current.scrollLeft = scroller.current.scrollWidth;
  }, [days]);
  // a week column's first day, to label the columns where a month starts
  const firsts = Array.from({ length: WEEKS }, (_, week) => rows.map((row) => row[week]).find(Boolean) ?? null);
  return (
    <>
      <p id="bs-graph-caption" class="bs-graph-caption">Plays per day over the last year (a ring marks a day with an upload)</p>
      <div ref={scroller} class="bs-graph-scroll" role="region" aria-labelledby="bs-graph-caption" tabIndex={0}>
        <table class="bs-graph" aria-labelledby="bs-graph-caption">
          <thead>
            <tr>
              <td />
              {firsts.map((first, week) => {
                const month = monthOf(first);
                const shown = week === 0 || month !== monthOf(firsts[week - 1]) ? month : "";
                return (
                  <th scope="col">
                    <span aria-hidden="true">{shown}</span>
                    {first && <span class="visually-hidden">Week of {formatDay(first.date)}</span>}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, weekday) => (
              <tr>
                <th scope="row">
                  <span aria-hidden="true">{weekday % 2 === 1 ? WEEKDAYS[weekday].slice(0, 3) : ""}</span>
                  <span class="visually-hidden">{WEEKDAYS[weekday]}</span>
                </th>
                {row.map((day) => {
                  if (!day) return <td class="bs-day pad" />;
                  const text = describeDay(day);
                  const classes = `bs-day l${level(day.plays, most)}${day.uploads ? " up" : ""}`;
                  return <td class={classes} title={text} data-date={day.date}><span class="visually-hidden">{text}</span></td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="bs-legend" aria-hidden="true">
        Fewer plays <span class="bs-day l0" /><span class="bs-day l1" /><span class="bs-day l2" />
        <span class="bs-day l3" /><span class="bs-day l4" /> More plays · <span class="bs-day l0 up" /> upload
      </p>
    </>
  );
}

export function Activity() {
  const state = useProducerGet<ActivityData>("/api/v1/producer/activity");
  return (
    <section aria-labelledby="bs-title">
      <h1 id="bs-title">Activity</h1>
      <Loaded state={state} label="Loading your year…">
        {({ days, overview, downloads }) => (
          <>
            <p class="muted">{formatDay(overview.from)} – {formatDay(overview.to)} (UTC days)</p>
            <Graph days={days} />
            <h2>Overview</h2>
            <dl class="bs-stats">
              <Stat label="Plays" value={formatInt(overview.plays)} />
              <Stat label="Downloads" value={formatInt(overview.downloads)} />
              <Stat label="Uploads" value={formatInt(overview.uploads)} />
              <Stat label="Active days" value={formatInt(overview.active_days)} />
              <Stat label="Busiest day" value={overview.busiest_day ? formatDay(overview.busiest_day) : "None yet"} />
            </dl>
            <h2>Download engagement</h2>
            <dl class="bs-stats">
              <Stat label="Downloads this year" value={formatInt(downloads.total)} />
              <Stat label="Downloads per 100 plays"
                    value={downloads.per_100_plays === null ? "—" : formatDecimal(downloads.per_100_plays)}
                    detail={downloads.per_100_plays === null ? "No plays yet" : undefined} />
            </dl>
          </>
        )}
      </Loaded>
    </section>
  );
}
