import type { Track } from "../types";
import { ErrorMessage, Loading } from "../components/Status";
import { Link } from "../router";
import { Cover } from "../components/Cover";
import { Player } from "../components/Player";
import { Comments, TrackActions } from "./listen/TrackActions";
import { TrackDownload } from "../components/Download";
import { useViewed } from "../viewed";

function duration(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

export function TrackPage({ id }: { id: string }) {
  const [track, setTrack, error] = useViewed<Track>(`/api/v1/tracks/${encodeURIComponent(id)}`);

  if (error) return <section><h1>Track</h1><ErrorMessage message={error.message} /><Link href="/">Back to the catalog</Link></section>;
  if (!track) return <Loading label="Loading the track…" />;
  return (
    <article class="track" aria-labelledby="track-title">
      <Cover src={track.links.cover} title={track.name} size={320} large alt={`Cover of ${track.name}`} />
      <div class="track-info">
        <h1 id="track-title">{track.name}</h1>
        <p class="byline">
          {track.artist_id ? <Link href={`/artists/${track.artist_id}`}>{track.artists.join(", ")}</Link>
                           : track.artists.join(", ")}
        </p>
        <dl class="facts">
          {track.bpm && <><dt>BPM</dt><dd>{track.bpm}</dd></>}
          {track.key && <><dt>Key</dt><dd>{track.key} {track.scale}</dd></>}
          {track.genres.length > 0 && <><dt>Genre</dt><dd>{track.genres.join(", ")}</dd></>}
          {track.audio && <><dt>Length</dt><dd>{duration(track.audio.duration_s)}</dd></>}
          <dt>Plays</dt><dd data-testid="play-count">{track.play_count}</dd>
        </dl>
        {track.description && <p>{track.description}</p>}
        <Player track={track} onCounted={(count) => setTrack({ ...track, play_count: count })} />
        <TrackActions track={track} />
        <TrackDownload track={track} />
      </div>
      <Comments track={track} />
    </article>
  );
}
