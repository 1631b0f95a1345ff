// The seven public leaderboards, all time or this month. Switching board keeps the rows on screen (dimmed, the
// table aria-busy) until the new board arrives, so the page never jumps to empty; a signed-in visitor also sees
// their own rank (`me`).
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, withQuery } from "../../api";
import { Link, navigate, useLocation } from "../../router";
import { useSession } from "../../session";
import { Empty, ErrorMessage, Loading } from "../../components/Status";
import "./leaderboards.css";

export const CATEGORIES = ["overall", "quality", "uploads", "plays", "points", "earnings", "collab"] as const;
type Category = (typeof CATEGORIES)[number];
const NAMES: Record<Category, string> = { overall: "Overall", quality: "Quality", uploads: "Uploads", plays: "Plays",
                                          points: "Points", earnings: "Earnings", collab: "Collaborations" };
const VALUE: Record<Category, string> = { overall: "Score", quality: "Complete metadata", uploads: "Uploads",
                                          plays: "Plays", points: "XP", earnings: "Earnings",
                                          collab: "Collaboration credits" };
const ABOUT: Record<Category, string> = {
  overall: "XP blended with metadata quality.",
  quality: "The share of published tracks with complete metadata (from 3 published tracks).",
  uploads: "Tracks published.", plays: "Counted plays.", points: "XP earned.",
  earnings: "Net earnings.", collab: "Collaboration credits." };
const PERIODS = [["all_time", "All time"], ["month", "This month"]] as const;
const CURRENCIES = ["CAD", "USD", "EUR", "GBP"];
const LIMIT = 25;

interface Row {
  rank: number;
  artist: { id: string; name: string; verified: boolean };
  value: number;
}

interface Board {
  category: Category;
  period: "all_time" | "month";
  currency: string | null;
  items: Row[];
  total: number;
  next: string | null;
  me: { rank: number | null; value: number | null } | null;
}

function formatValue(board: Board, value: number): string {
  switch (board.category) {
    case "earnings": {
      const format = new Intl.NumberFormat(undefined, { style: "currency", currency: board.currency ?? "CAD" });
      return format.format(value / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
    }
    case "quality":
      return new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 }).format(value);
    case "overall":
      return new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(value);
    case "points":
      return `${new Intl.NumberFormat().format(value)} XP`;
    default:
      return new Intl.NumberFormat().format(value);
  }
}

function periodName(period: string): string {
  return period === "month" ? "this month" : "all time";
}

export function Leaderboards({ category: asked }: { category?: string }) {
  const { search } = useLocation();
  const { ready, me } = useSession();
  const category = (asked ?? "overall") as Category;
  const known = CATEGORIES.includes(category);
  const period = search.get("period") === "month" ? "month" : "all_time";
  const currency = category === "earnings" && CURRENCIES.includes(search.get("currency") ?? "")
    ? search.get("currency")! : null;
  const [board, setBoard] = useState<Board | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState("");
  const [more, setMore] = useState(false);

  useEffect(() => {
    // wait for the session, so a signed-in visitor's first answer already carries their rank
    if (!ready || !known) return;
    const controller = new AbortController();
    setLoading(true);
    setError("");
    api.get<Board>(`/api/v1/leaderboards/${category}`, { period, currency, limit: LIMIT }, controller.signal)
      .then((next) => {
        setBoard(next);
        setLoading(false);
      })
      .catch((failure) => {
        if (controller.signal.aborted) return;
        setError(errorMessage(failure));
        setLoading(false);
      });
    return () => controller.abort();
  }, [category, period, currency, ready, me?.id, known]);

  const loadMore = async () => {
    if (!board?.next) return;
    setMore(true);
    try {
      const page = await api.get<Board>(`/api/v1/leaderboards/${board.category}`,
                                        { period: board.period, currency, limit: LIMIT, cursor: board.next });
      setBoard({ ...page, items: [...board.items, ...page.items] });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setMore(false);
    }
  };

  const href = (to: { category?: string; period?: string; currency?: string | null }) =>
    withQuery(`/leaderboards/${to.category ?? category}`, {
      period: (to.period ?? period) === "month" ? "month" : null,
      currency: (to.category ?? category) === "earnings" ? (to.currency === undefined ? currency : to.currency) : null });

  if (!known) {
    return (
      <section>
        <h1>Leaderboards</h1>
        <Empty title="There is no such leaderboard.">
          <p>The boards are {CATEGORIES.map((c, i) => <>{i ? ", " : ""}<Link href={`/leaderboards/${c}`}>{NAMES[c]}</Link></>)}.</p>
        </Empty>
      </section>
    );
  }

  const status = loading
    ? `Loading ${NAMES[category]}, ${periodName(period)}…`
    : board ? `Showing ${NAMES[board.category]}, ${periodName(board.period)}: ${board.total} ranked.` : "";

  return (
    <section aria-labelledby="lb-title" class="lb">
      <h1 id="lb-title">Leaderboards</h1>
      <nav aria-label="Leaderboard" class="lb-tabs">
        {CATEGORIES.map((c) => (
          <Link href={href({ category: c })} aria-current={c === category ? "page" : undefined}>{NAMES[c]}</Link>
        ))}
      </nav>
      <div class="lb-options">
        <nav aria-label="Period" class="lb-periods">
          {PERIODS.map(([value, label]) => (
            <Link href={href({ period: value })} aria-current={value === period ? "true" : undefined}>{label}</Link>
          ))}
        </nav>
        {category === "earnings" && (
          <label class="lb-currency">Currency
            <select value={currency ?? "CAD"} onChange={(event) => {
              const value = (event.currentTarget as HTMLSelectElement).value;
              navigate(href({ currency: value === "CAD" ? null : value }), true);
            }}>
              {CURRENCIES.map((code) => <option value={code}>{code}</option>)}
            </select>
          </label>
        )}
      </div>
      <p class="muted">{ABOUT[category]}</p>
      <p role="status" class="visually-hidden">{status}</p>
      <ErrorMessage message={error} />
      {board && ready && (
        me ? (
          <p class="lb-me" data-testid="my-rank">
            {board.me?.rank ? <>Your rank on {NAMES[board.category]}: <strong>#{board.me.rank}</strong>
              {board.me.value !== null && <> · {formatValue(board, board.me.value)}</>}</>
              : `You are not ranked on ${NAMES[board.category]} ${periodName(board.period)} yet.`}
          </p>
        ) : (
          <p class="lb-me"><Link href={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>Log in</Link> to see your own rank.</p>
        )
      )}
      {!board ? (!error && <Loading label="Loading the leaderboard…" />) : (
        <div class={`lb-board${loading ? " busy" : ""}`} aria-busy={loading ? "true" : "false"}
             data-testid="leaderboard">
          {board.items.length === 0 ? (
            <Empty title={`No one is ranked on ${NAMES[board.category]} ${periodName(board.period)} yet.`} />
          ) : (
            <table class="lb-table">
              <caption>{NAMES[board.category]} · {periodName(board.period)}</caption>
              <thead><tr><th scope="col">Rank</th><th scope="col">Artist</th>
                <th scope="col" class="num">{VALUE[board.category]}</th></tr></thead>
              <tbody>
                {board.items.map((row) => (
                  <tr key={row.artist.id}>
                    <td class="lb-rank">#{row.rank}</td>
                    <th scope="row">
                      <Link href={`/artists/${row.artist.id}`}>{row.artist.name}</Link>
                      {row.artist.verified && <span class="lb-verified" title="Verified artist">
                        <span aria-hidden="true"> ✓</span><span class="visually-hidden"> (verified)</span></span>}
                    </th>
                    <td class="num">{formatValue(board, row.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {board.next && !loading && (
            <button type="button" class="more" onClick={loadMore} disabled={more}>{more ? "Loading…" : "More"}</button>
          )}
        </div>
      )}
    </section>
  );
}
