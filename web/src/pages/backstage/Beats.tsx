// My Beats: the producer's tracks in every status (processing and rejected included, with the reason), newest
// first, each with its plays' growth (last 30 days against the 30 before), and the collaboration insights.
import { useState } from "preact/hooks";
import { Link } from "../../router";
import { Cover } from "../../components/Cover";
import { Empty, ErrorMessage } from "../../components/Status";
import { Loaded, formatDate, formatInt, formatPercent, useMore, useProducerGet } from "./shared";
import type { Growth, ProducerBeat, ProducerBeats } from "./types";

const STATUSES = [["", "Every status"], ["published", "Published"], ["processing", "Processing"],
                  ["rejected", "Rejected"]] as const;
const GROWTH: Record<Growth, [symbol: string, label: string]> = {
  rising: ["↑", "Rising"], steady: ["→", "Steady"], falling: ["↓", "Falling"] };
const LIMIT = 20;
const PATH = "/api/v1/producer/beats";

function Beat({ beat }: { beat: ProducerBeat }) {
  const [symbol, label] = GROWTH[beat.growth.status] ?? ["", beat.growth.status];
  return (
    <li class="bs-beat">
      <Cover src={beat.links.cover} title={beat.name} size={72} />
      <div class="bs-beat-main">
        <p class="bs-beat-title">
          {beat.status === "published" ? <Link href={`/tracks/${beat.id}`}>{beat.name}</Link> : <span>{beat.name}</span>}
          <span class={`bs-badge ${beat.status}`}>{beat.status}</span>
        </p>
        <p class="muted">{[beat.bpm && `${beat.bpm} BPM`, beat.key && `${beat.key} ${beat.scale ?? ""}`.trim(),
                           beat.genres.join(", "), `uploaded ${formatDate(beat.created_at)}`].filter(Boolean).join(" · ")}</p>
        {beat.status === "rejected" && beat.rejection && (
          <p class="bs-rejection">Rejected: {beat.rejection.message}</p>
        )}
        {beat.status === "processing" && <p class="muted">Being checked — it is published when the audio passes.</p>}
      </div>
      <dl class="bs-beat-numbers">
        <div><dt>Plays</dt><dd>{formatInt(beat.play_count)}</dd></div>
        <div><dt>Likes</dt><dd>{formatInt(beat.like_count)}</dd></div>
        <div><dt>Reposts</dt><dd>{formatInt(beat.repost_count)}</dd></div>
        <div><dt>Metadata</dt><dd>{formatPercent(beat.metadata_completeness, 0)}</dd></div>
        <div>
          <dt>Growth</dt>
          <dd class={`bs-growth ${beat.growth.status}`}
              title={`${beat.growth.plays_last_30_days} plays in the last 30 days, ${beat.growth.plays_previous_30_days} in the 30 before`}>
            <span><span aria-hidden="true">{symbol} </span>{label}</span>
            <span class="bs-growth-detail">{formatInt(beat.growth.plays_last_30_days)} vs {formatInt(beat.growth.plays_previous_30_days)} plays</span>
          </dd>
        </div>
      </dl>
    </li>
  );
}

export function Beats() {
  const [status, setStatus] = useState("");
  const state = useProducerGet<ProducerBeats>(PATH, { status, limit: LIMIT });
  const more = useMore(state, PATH, { status, limit: LIMIT });

  return (
    <section aria-labelledby="bs-title">
      <h1 id="bs-title">My Beats</h1>
      <label class="bs-filter">Status
        <select value={status} onChange={(event) => setStatus((event.currentTarget as HTMLSelectElement).value)}>
          {STATUSES.map(([value, label]) => <option value={value}>{label}</option>)}
        </select>
      </label>
      <Loaded state={state} label="Loading your beats…">
        {({ items, total, next, collaborations }) => (
          <>
            <p class="muted" aria-live="polite">{total === 1 ? "1 beat" : `${formatInt(total)} beats`}</p>
            {items.length === 0 ? (
              <Empty title={status ? `No ${status} beats.` : "No beats yet."}>
                <p>{status ? "Pick another status to see the rest." : "Your uploads show here in every status, from processing to published."}</p>
              </Empty>
            ) : (
              <ul class="bs-beats" aria-label="Your beats">{items.map((beat) => <Beat key={beat.id} beat={beat} />)}</ul>
            )}
            <ErrorMessage message={more.error} />
            {next && <button type="button" class="more" onClick={more.load} disabled={more.busy}>
              {more.busy ? "Loading…" : "More beats"}</button>}
            <h2>Collaborations</h2>
            {collaborations.length === 0 ? (
              <p class="muted">No collaborations yet: tracks you share with other artists show here.</p>
            ) : (
              <div class="bs-table-scroll" role="region" aria-label="Collaborations" tabIndex={0}>
                <table class="bs-table">
                  <thead><tr><th scope="col">Collaborator</th><th scope="col">Shared tracks</th>
                    <th scope="col">Plays</th><th scope="col">Share of your plays</th></tr></thead>
                  <tbody>
                    {collaborations.map((c) => (
                      <tr>
                        <th scope="row"><Link href={`/artists/${c.artist_id}`}>{c.name}</Link></th>
                        <td>{formatInt(c.shared_tracks)}</td>
                        <td>{formatInt(c.plays)}</td>
                        <td>{formatPercent(c.share_of_plays)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
