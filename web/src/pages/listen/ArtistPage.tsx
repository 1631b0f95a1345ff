// An artist page (/artists/:id): its header with the verified badge, followers and the follow button, its pinned
// beat, and its tabs — Beats, Albums, Gallery, About, Followers and, for its owner and admins, Achievements.
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage } from "../../api";
import { useSession } from "../../session";
import { useViewed } from "../../viewed";
import { Link, useLocation } from "../../router";
import { Empty, ErrorMessage, Loading } from "../../components/Status";
import { Cover, coverAt } from "../../components/Cover";
import { TrackCard } from "../../components/TrackCard";
import type { Track } from "../../types";
import type { Artist, ArtistFollower, Collection, Progress } from "./types";
import { currentTab, day, PagedList, plural, Tabs, usePaged, type Tab } from "./lists";
import { FollowControl } from "./Follow";
import "./listen.css";

export function ArtistPage({ id }: { id: string }) {
  const { me } = useSession();
  const { search } = useLocation();
  const [artist, setArtist, error] = useViewed<Artist>(`/api/v1/artists/${encodeURIComponent(id)}`);

  if (error?.status === 404) {
    return (
      <section>
        <h1>No Artist Profile</h1>
        <Empty title="There is no artist page at this address.">
          <p>It may have been removed. <Link href="/">Browse the newest beats</Link>.</p>
        </Empty>
      </section>
    );
  }
  if (error) return <section><h1>Artist</h1><ErrorMessage message={error.message} /></section>;
  if (!artist) return <Loading label="Loading the artist page…" />;

  const owner = !!me && me.id === artist.user_id;
  const tabs: Tab[] = [
    { id: "beats", label: "Beats", count: artist.track_count },
    { id: "albums", label: "Albums" },
    { id: "gallery", label: "Gallery", count: artist.image_links.gallery.length },
    { id: "about", label: "About" },
    { id: "followers", label: "Followers", count: artist.followers_count },
    ...(owner || me?.roles.includes("admin") ? [{ id: "achievements", label: "Achievements" }] : []),
  ];
  const tab = currentTab(search, tabs);
  const base = `/artists/${artist.id}`;
  const place = [artist.city, artist.country].filter(Boolean).join(", ");

  return (
    <article class="profile" aria-labelledby="artist-name">
      {artist.image_links.cover && <img class="banner" src={artist.image_links.cover} alt="" />}
      <header class="profile-head">
        <Avatar src={artist.image_links.avatar && coverAt(artist.image_links.avatar, 224)} name={artist.name} />
        <div class="profile-who">
          <h1 id="artist-name">
            {artist.name}
            {artist.verified && <span class="pill" title="Verified producer">✓ Verified</span>}
          </h1>
          <p class="muted">
            {[place, artist.genres.slice(0, 3).join(", ")].filter(Boolean).join(" · ")}
          </p>
          {artist.claimed && artist.user_id && artist.username && (
            <p>Run by <Link href={`/users/${artist.user_id}`}>{artist.username}</Link></p>
          )}
        </div>
        <FollowArtist artist={artist} owner={owner}
                      onChange={(count) => setArtist({ ...artist, followers_count: count })} />
      </header>
      {artist.pinned_track_id && <Pinned trackId={artist.pinned_track_id} />}
      <Tabs tabs={tabs} current={tab} base={base} label={`${artist.name}'s sections`} />
      <section class="tab-panel" aria-label={tabs.find((t) => t.id === tab)!.label}>
        {tab === "beats" && <Beats artist={artist} />}
        {tab === "albums" && <Albums artist={artist} />}
        {tab === "gallery" && <Gallery artist={artist} />}
        {tab === "about" && <About artist={artist} />}
        {tab === "followers" && <Followers artist={artist} />}
        {tab === "achievements" && <Achievements artist={artist} />}
      </section>
    </article>
  );
}

export function Avatar({ src, name }: { src: string | null | undefined; name: string }) {
  if (src) return <img class="avatar" src={src} alt={`${name}'s picture`} width={112} height={112} />;
  return <span class="avatar avatar-fallback" aria-hidden="true">{name.slice(0, 1).toUpperCase()}</span>;
}

function FollowArtist({ artist, owner, onChange }: { artist: Artist; owner: boolean; onChange: (n: number) => void }) {
  const count = artist.followers_count ?? 0;
  return (
    <FollowControl path={`/api/v1/artists/${artist.id}/follow`} name={artist.name} hidden={owner}
                   following={!!artist.viewer?.following} onChange={onChange}>
      <p class="followers"><strong data-testid="followers-count">{count.toLocaleString()}</strong>
        {count === 1 ? " follower" : " followers"}</p>
    </FollowControl>
  );
}

function Pinned({ trackId }: { trackId: string }) {
  const [track, setTrack] = useState<Track | null>(null);
  useEffect(() => {
    api.get<Track>(`/api/v1/tracks/${trackId}`).then(setTrack).catch(() => setTrack(null));
  }, [trackId]);
  if (!track || track.status !== "published") return null;
  return (
    <section class="pinned" aria-labelledby="pinned-title">
      <h2 id="pinned-title">Pinned beat</h2>
      <ul class="grid" aria-label="Pinned beat"><TrackCard track={track} /></ul>
    </section>
  );
}

function Beats({ artist }: { artist: Artist }) {
  // the beats the page uploaded; the API's Discography (credited beats too) is not on this branch yet
  const paged = usePaged<Track>("/api/v1/tracks", { producer: artist.id, sort: "newest" });
  return (
    <PagedList paged={paged} label={`Beats by ${artist.name}`} empty={`${artist.name} has not published a beat yet.`}
               className="grid">
      {(track) => <TrackCard key={track.id} track={track} />}
    </PagedList>
  );
}

function Albums({ artist }: { artist: Artist }) {
  const paged = usePaged<Collection>(`/api/v1/artists/${artist.id}/collections`);
  return (
    <PagedList paged={paged} label={`Albums by ${artist.name}`} empty="No albums or beat packs yet." className="grid">
      {(collection) => (
        <li class="card" key={collection.id}>
          <div class="card-link">
            <Cover src={collection.links?.cover ?? `/api/v1/collections/${collection.id}/cover`} title={collection.name} />
            <span class="card-title">{collection.name}</span>
            <span class="card-sub">{plural(collection.track_ids.length, "beat")} · {day(collection.created_at)}</span>
            {collection.genres.length > 0 && <span class="card-facts">{collection.genres.join(", ")}</span>}
          </div>
        </li>
      )}
    </PagedList>
  );
}

function Gallery({ artist }: { artist: Artist }) {
  const images = artist.image_links.gallery;
  if (!images.length) return <Empty title="No gallery images yet." />;
  return (
    <ul class="gallery" aria-label={`${artist.name}'s gallery`}>
      {images.map((src, index) => (
        <li key={src}><a href={src}><img src={coverAt(src, 640)}
          alt={`${artist.name}, gallery image ${index + 1} of ${images.length}`} loading="lazy" /></a></li>
      ))}
    </ul>
  );
}

function About({ artist }: { artist: Artist }) {
  const place = [artist.city, artist.country].filter(Boolean).join(", ");
  return (
    <div class="about stack">
      {artist.description ? <p class="prose">{artist.description}</p>
                          : <p class="muted">{artist.name} has not written an introduction yet.</p>}
      <dl class="facts">
        {place && <><dt>From</dt><dd>{place}</dd></>}
        {artist.genres.length > 0 && <><dt>Genres</dt><dd>{artist.genres.join(", ")}</dd></>}
        <dt>On BeatPass since</dt><dd>{day(artist.created_at)}</dd>
      </dl>
      {artist.links.length > 0 && (
        <>
          <h2>Links</h2>
          <ul class="plain">
            {artist.links.map((link) => <li><a href={link} rel="noopener noreferrer nofollow ugc" target="_blank">{link}</a></li>)}
          </ul>
        </>
      )}
      {artist.credits.length > 0 && (
        <>
          <h2>Credits</h2>
          <ul class="plain">{artist.credits.map((credit) => <li>{credit}</li>)}</ul>
        </>
      )}
    </div>
  );
}

function Followers({ artist }: { artist: Artist }) {
  const paged = usePaged<ArtistFollower>(`/api/v1/artists/${artist.id}/followers`);
  return (
    <PagedList paged={paged} label={`Followers of ${artist.name}`} empty={`Nobody follows ${artist.name} yet.`}>
      {(follower) => (
        <li class="row" key={follower.user.id}>
          {follower.user.username ? <Link href={`/users/${follower.user.id}`}>{follower.user.username}</Link>
                                  : <span class="muted">A deleted account</span>}
          <span class="muted">since {day(follower.followed_at)}</span>
        </li>
      )}
    </PagedList>
  );
}

function Achievements({ artist }: { artist: Artist }) {
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    api.get<Progress>(`/api/v1/artists/${artist.id}/achievements`).then(setProgress)
      .catch((failure) => setError(errorMessage(failure)));
  }, [artist.id]);
  if (error) return <ErrorMessage message={error} />;
  if (!progress) return <Loading />;
  return (
    <div class="stack">
      <p>Level {progress.level} — {progress.title} · {progress.xp.toLocaleString()} XP
        {progress.next_level_xp !== null && ` (next level at ${progress.next_level_xp.toLocaleString()} XP)`}</p>
      <ul class="rows" aria-label="Achievements">
        {progress.achievements.map((achievement) => (
          <li class="row achievement" key={achievement.code}>
            <strong>{achievement.name}</strong>
            <span class="muted">{achievement.description}</span>
            <span>{achievement.earned_at ? `Earned ${day(achievement.earned_at)}`
              : achievement.progress.target ? `${achievement.progress.current ?? 0} of ${achievement.progress.target}`
              : "Not earned yet"} · {achievement.rarity} · {achievement.xp} XP</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
