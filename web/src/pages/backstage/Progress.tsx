// Progress: level and title, the XP bar to the next level, the achievements (rarity, progress, when earned),
// Refresh (POST …/refresh recomputes from the stored events), and where the latest XP came from.
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Page } from "../../api";
import { ErrorMessage } from "../../components/Status";
import { Loaded, formatDate, formatInt, formatPercent, useArtist, useProducerGet } from "./shared";
import type { Achievement, Progress as ProgressData, XpEntry } from "./types";

const REASONS: Record<string, string> = {
  track_published: "Track published", play: "Plays", metadata_complete: "Complete metadata",
  collaboration: "Collaboration", achievement: "Achievement" };

function Badge({ achievement: a }: { achievement: Achievement }) {
  const { current, target } = a.progress;
  const earned = a.earned_at !== null;
  return (
    <li class={`bs-achievement ${earned ? "earned" : ""}`}>
      <p class="bs-achievement-name">
        {a.name} <span class={`bs-rarity ${a.rarity}`}>{a.rarity}</span>
      </p>
      <p class="muted">{a.description}</p>
      <p class="bs-achievement-facts">
        {formatInt(a.xp)} XP · held by {formatPercent(a.holders_share)} of producers
      </p>
      {earned ? (
        <p class="bs-earned">Earned {formatDate(a.earned_at!)}</p>
      ) : (
        <label class="bs-achievement-progress">{formatInt(current)} of {formatInt(target)}
          <progress max={target} value={Math.min(current, target)} />
        </label>
      )}
    </li>
  );
}

function History({ achievements }: { achievements: Achievement[] }) {
  const artist = useArtist();
  const [items, setItems] = useState<XpEntry[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    setItems(null);
    api.get<Page<XpEntry>>("/api/v1/producer/progress/history", { artist, limit: 10 })
      .then((page) => setItems(page.items))
      .catch((failure) => {
        setError(errorMessage(failure));
        setItems([]);
      });
  }, [artist]);
  if (items === null) return null;
  return (
    <>
      <h2>Latest XP</h2>
      <ErrorMessage message={error} />
      {items.length === 0 ? !error && <p class="muted">No XP yet: publishing a track is the first.</p> : (
        <ul class="bs-history">
          {items.map((entry) => (
            <li key={entry.id}>
              <span class={entry.amount < 0 ? "debit" : "credit"}>{entry.amount > 0 ? "+" : ""}{formatInt(entry.amount)} XP</span>
              {" "}{REASONS[entry.reason] ?? entry.reason.replace(/_/g, " ")}
              {entry.achievement && `: ${achievements.find((a) => a.code === entry.achievement)?.name ?? entry.achievement}`}
              <span class="muted"> · {formatDate(entry.created_at)}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function Progress() {
  const artist = useArtist();
  const state = useProducerGet<ProgressData>("/api/v1/producer/progress");
  const [refresh, setRefresh] = useState({ busy: false, error: "", done: "" });

  const onRefresh = async () => {
    const before = state.data;
    setRefresh({ busy: true, error: "", done: "" });
    try {
      const after = await api.post<ProgressData>(artist ? `/api/v1/producer/progress/refresh?artist=${encodeURIComponent(artist)}`
                                                        : "/api/v1/producer/progress/refresh");
      state.set(after);
      const same = before && before.xp === after.xp && before.level === after.level &&
        before.achievements.filter((a) => a.earned_at).length === after.achievements.filter((a) => a.earned_at).length;
      setRefresh({ busy: false, error: "", done: same ? "Refreshed: your numbers were already up to date."
                                                      : `Refreshed: ${formatInt(after.xp)} XP, level ${after.level}.` });
    } catch (failure) {
      setRefresh({ busy: false, error: errorMessage(failure), done: "" });
    }
  };

  return (
    <section aria-labelledby="bs-title">
      <div class="bs-heading">
        <h1 id="bs-title">Progress</h1>
        {state.data && <button type="button" onClick={onRefresh} disabled={refresh.busy}>
          {refresh.busy ? "Refreshing…" : "Refresh"}</button>}
      </div>
      <p role="status" class="muted">{refresh.done}</p>
      <ErrorMessage message={refresh.error} />
      <Loaded state={state} label="Loading your progress…">
        {(p) => {
          const span = p.next_level_xp === null ? 0 : p.next_level_xp - p.level_floor_xp;
          const into = p.xp - p.level_floor_xp;
          const earned = p.achievements.filter((a) => a.earned_at).length;
          return (
            <>
              <div class="bs-level">
                <p class="bs-level-name">Level {p.level} · {p.title}</p>
                <p data-testid="xp">{formatInt(p.xp)} XP</p>
                {p.next_level_xp === null ? (
                  <p>The top level: there is no level above.</p>
                ) : (
                  <label class="bs-xp">
                    {formatInt(p.next_level_xp - p.xp)} XP to level {p.level + 1}
                    <progress max={span} value={Math.max(0, Math.min(into, span))}
                              aria-valuetext={`${formatInt(into)} of ${formatInt(span)} XP into level ${p.level}`} />
                  </label>
                )}
              </div>
              <h2>Achievements <span class="muted">({earned} of {p.achievements.length} earned)</span></h2>
              {p.achievements.length === 0 ? <p class="muted">No achievements to show.</p> : (
                <ul class="bs-achievements">{p.achievements.map((a) => <Badge key={a.code} achievement={a} />)}</ul>
              )}
              <History achievements={p.achievements} />
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
