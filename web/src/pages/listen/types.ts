// Shapes of the API answers the listener pages read (the OpenAPI document at /api/v1/openapi.json is the reference).
// Fields other branches add to the API (a profile's `artists`, `avatar_url`) are optional: the pages work without.
import type { Track } from "../../types";

export interface LikeState { liked: boolean; like_count: number }
export interface RepostState { reposted: boolean; repost_count: number }
export interface FollowState { following: boolean; followers_count: number }

export interface Comment {
  id: string;
  track_id: string;
  author_id: string;
  author_username: string | null;
  body: string;
  created_at: string;
}

export interface PlaylistSummary {
  id: string;
  owner_id: string;
  owner_username: string | null;
  name: string;
  description: string | null;
  public: boolean;
  track_count: number;
  created_at: string;
  updated_at: string;
}

export interface Playlist extends PlaylistSummary {
  tracks: Track[];
}

export type { Artist, ArtistImages } from "../../types";

export interface ArtistRef { id: string; name: string; verified?: boolean }

export interface Collection {
  id: string;
  name: string;
  artist_id: string;
  artists: string[];
  genres: string[];
  description: string | null;
  track_ids: string[];
  like_count: number;
  created_at: string;
  links?: { cover: string };
}

export interface Profile {
  name: string | null;
  city: string | null;
  country: string | null;
  description: string | null;
  links: string[];
}

export interface PublicUser {
  id: string;
  username: string;
  roles: string[];
  profile: Profile;
  followers_count: number;
  following_count: number;
  created_at: string;
  artists?: ArtistRef[];
  avatar_url?: string | null;
  /** GET /users/:id only: whether the caller follows the user (null when the request had no valid token) */
  viewer?: { following: boolean } | null;
}

export interface UserSummary { id: string; username: string; name: string | null }

export interface ArtistFollower { user: { id: string; username: string | null }; followed_at: string }

export interface HistoryEntry {
  id: string;
  track: { id: string; name: string; artists: string[]; artist_id: string | null; links: Track["links"] };
  listened_at: string;
  started_at: string;
  position_s: number;
  counted: boolean;
}

export interface Notification {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  read: boolean;
  created_at: string;
}

export interface Achievement {
  code: string;
  name: string;
  description: string;
  xp: number;
  rarity: string;
  earned_at: string | null;
  progress: { current?: number; target?: number };
}

export interface Progress {
  level: number;
  title: string;
  xp: number;
  next_level_xp: number | null;
  achievements: Achievement[];
}
