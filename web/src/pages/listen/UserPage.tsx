// A user's public profile (/users/:id): who they are, their followers and follow button, the Producer Profile
// button where they run artist pages, and the seven profile tabs the API offers.
import { useSession } from "../../session";
import { useViewed } from "../../viewed";
import { Link, useLocation } from "../../router";
import { Empty, ErrorMessage, Loading } from "../../components/Status";
import { Cover } from "../../components/Cover";
import { TrackCard } from "../../components/TrackCard";
import type { Track } from "../../types";
import type { Artist, Collection, PlaylistSummary, PublicUser, UserSummary } from "./types";
import { currentTab, day, PagedList, plural, Tabs, usePaged, type Tab } from "./lists";
import { Avatar } from "./ArtistPage";
import { FollowControl } from "./Follow";
import "./listen.css";

export function UserPage({ id }: { id: string }) {
  const { search } = useLocation();
  const [user, setUser, error] = useViewed<PublicUser>(`/api/v1/users/${encodeURIComponent(id)}`);

  if (error?.status === 404) {
    return (
      <section>
        <h1>No such user</h1>
        <Empty title="Nobody has this profile.">
          <p>The account may have been deleted. <Link href="/">Browse the newest beats</Link>.</p>
        </Empty>
      </section>
    );
  }
  if (error) return <section><h1>Profile</h1><ErrorMessage message={error.message} /></section>;
  if (!user) return <Loading label="Loading the profile…" />;

  const tabs: Tab[] = [
    { id: "liked-beats", label: "Liked Beats" },
    { id: "playlists", label: "Public Playlists" },
    { id: "reposts", label: "Reposts" },
    { id: "liked-collections", label: "Liked Collections" },
    { id: "liked-producers", label: "Liked Producers" },
    { id: "followers", label: "Followers", count: user.followers_count },
    { id: "following", label: "Following", count: user.following_count },
  ];
  const tab = currentTab(search, tabs);
  const base = `/users/${user.id}`;
  const { profile } = user;
  const place = [profile.city, profile.country].filter(Boolean).join(", ");
  const artists = user.artists ?? [];

  return (
    <article class="profile" aria-labelledby="user-name">
      <header class="profile-head">
        <Avatar src={user.avatar_url} name={user.username} />
        <div class="profile-who">
          <h1 id="user-name">{user.username}</h1>
          {(profile.name || place) && <p class="muted">{[profile.name, place].filter(Boolean).join(" · ")}</p>}
          <p class="muted">Member since {day(user.created_at)}</p>
          {artists.length > 0 && (
            <p class="producer-links">
              {artists.map((artist) => (
                <Link class="button secondary" href={`/artists/${artist.id}`}>
                  {artists.length === 1 ? "Producer Profile" : `Producer Profile: ${artist.name}`}
                </Link>
              ))}
            </p>
          )}
        </div>
        <FollowUser user={user} onChange={(count) => setUser({ ...user, followers_count: count })} />
      </header>
      {profile.description && <p class="prose">{profile.description}</p>}
      {profile.links.length > 0 && (
        <ul class="plain inline" aria-label="Links">
          {profile.links.map((link) => <li><a href={link} rel="noopener noreferrer nofollow ugc" target="_blank">{link}</a></li>)}
        </ul>
      )}
      <Tabs tabs={tabs} current={tab} base={base} label={`${user.username}'s sections`} />
      <section class="tab-panel" aria-label={tabs.find((t) => t.id === tab)!.label}>
        {tab === "liked-beats" && <TrackGrid path={`${usersPath(user)}/liked-tracks`} label="Liked beats"
                                             empty={`${user.username} has not liked a beat yet.`} />}
        {tab === "playlists" && <PublicPlaylists user={user} />}
        {tab === "reposts" && <TrackGrid path={`${usersPath(user)}/reposts`} label="Reposts"
                                         empty={`${user.username} has not reposted a beat yet.`} />}
        {tab === "liked-collections" && <LikedCollections user={user} />}
        {tab === "liked-producers" && <LikedProducers user={user} />}
        {tab === "followers" && <People path={`${usersPath(user)}/followers`} label={`Followers of ${user.username}`}
                                        empty={`Nobody follows ${user.username} yet.`} />}
        {tab === "following" && <People path={`${usersPath(user)}/following`} label={`Followed by ${user.username}`}
                                        empty={`${user.username} does not follow anyone yet.`} />}
      </section>
    </article>
  );
}

const usersPath = (user: PublicUser) => `/api/v1/users/${user.id}`;

function FollowUser({ user, onChange }: { user: PublicUser; onChange: (count: number) => void }) {
  const { me } = useSession();
  return (
    <FollowControl path={`${usersPath(user)}/follow`} name={user.username} hidden={me?.id === user.id}
                   following={!!user.viewer?.following} onChange={onChange}>
      <p class="followers">
        <strong data-testid="followers-count">{user.followers_count.toLocaleString()}</strong>
        {user.followers_count === 1 ? " follower" : " followers"} · <strong>{user.following_count.toLocaleString()}</strong> following
      </p>
    </FollowControl>
  );
}

function TrackGrid({ path, label, empty }: { path: string; label: string; empty: string }) {
  const paged = usePaged<Track>(path);
  return (
    <PagedList paged={paged} label={label} empty={empty} className="grid">
      {(track) => <TrackCard key={track.id} track={track} />}
    </PagedList>
  );
}

export function PlaylistRow({ playlist }: { playlist: PlaylistSummary }) {
  return (
    <li class="row" key={playlist.id}>
      <Link href={`/playlists/${playlist.id}`}>{playlist.name}</Link>
      <span class="muted">{plural(playlist.track_count, "beat")}{playlist.public ? "" : " · private"}</span>
    </li>
  );
}

function PublicPlaylists({ user }: { user: PublicUser }) {
  const paged = usePaged<PlaylistSummary>(`${usersPath(user)}/playlists`);
  return (
    <PagedList paged={paged} label="Public playlists" empty={`${user.username} has no public playlist yet.`}>
      {(playlist) => <PlaylistRow playlist={playlist} />}
    </PagedList>
  );
}

function LikedCollections({ user }: { user: PublicUser }) {
  const paged = usePaged<Collection>(`${usersPath(user)}/liked-collections`);
  return (
    <PagedList paged={paged} label="Liked collections" empty={`${user.username} has not liked a collection yet.`}
               className="grid">
      {(collection) => (
        <li class="card" key={collection.id}>
          <Link class="card-link" href={`/artists/${collection.artist_id}?tab=albums`}>
            <Cover src={collection.links?.cover ?? `/api/v1/collections/${collection.id}/cover`} title={collection.name} />
            <span class="card-title">{collection.name}</span>
            <span class="card-sub">{collection.artists.join(", ")}</span>
          </Link>
        </li>
      )}
    </PagedList>
  );
}

function LikedProducers({ user }: { user: PublicUser }) {
  const paged = usePaged<Artist>(`${usersPath(user)}/liked-producers`);
  return (
    <PagedList paged={paged} label="Liked producers" empty={`${user.username} has not liked a producer yet.`}>
      {(artist) => <ArtistRow artist={artist} />}
    </PagedList>
  );
}

export function ArtistRow({ artist }: { artist: Artist }) {
  return (
    <li class="row" key={artist.id}>
      <Link href={`/artists/${artist.id}`}>{artist.name}</Link>
      {artist.verified && <span class="pill">✓ Verified</span>}
      <span class="muted">{plural(artist.track_count, "beat")}</span>
    </li>
  );
}

function People({ path, label, empty }: { path: string; label: string; empty: string }) {
  const paged = usePaged<UserSummary>(path);
  return (
    <PagedList paged={paged} label={label} empty={empty}>
      {(person) => (
        <li class="row" key={person.id}>
          <Link href={`/users/${person.id}`}>{person.username}</Link>
          {person.name && <span class="muted">{person.name}</span>}
        </li>
      )}
    </PagedList>
  );
}
