import type { Track } from "../types";
import { Link } from "../router";
import { Cover } from "./Cover";

export function TrackCard({ track }: { track: Track }) {
  const facts = [track.bpm ? `${track.bpm} BPM` : null, track.key ? `${track.key} ${track.scale ?? ""}`.trim() : null,
                 track.genres[0] ?? null].filter(Boolean);
  return (
    <li class="card">
      <Link href={`/tracks/${track.id}`} class="card-link">
        <Cover src={track.links.cover} title={track.name} />
        <span class="card-title">{track.name}</span>
        <span class="card-sub">{track.artists.join(", ")}</span>
        <span class="card-facts">{facts.join(" · ")}</span>
      </Link>
    </li>
  );
}
