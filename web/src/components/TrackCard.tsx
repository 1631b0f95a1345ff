import type { Track } from "../types";
import { Link } from "../router";

export function TrackCard({ track }: { track: Track }) {
  const facts = [track.bpm ? `${track.bpm} BPM` : null, track.key ? `${track.key} ${track.scale ?? ""}`.trim() : null,
                 track.genres[0] ?? null].filter(Boolean);
  return (
    <li class="card">
      <Link href={`/tracks/${track.id}`} class="card-link" aria-label={`${track.name} by ${track.artists.join(", ")}`}>
        <img class="cover" src={track.links.cover} alt="" width={200} height={200} loading="lazy" />
        <span class="card-title">{track.name}</span>
        <span class="card-sub">{track.artists.join(", ")}</span>
        <span class="card-facts">{facts.join(" · ")}</span>
      </Link>
    </li>
  );
}
