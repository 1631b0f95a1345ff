// Shapes of the gateway's answers that the app reads (the OpenAPI document at /api/v1/openapi.json is the reference).

export interface Track {
  id: string;
  name: string;
  artists: string[];
  artist_id: string | null;
  bpm: number | null;
  key: string | null;
  scale: string | null;
  genres: string[];
  tags: string[];
  description: string | null;
  licensing_model: string;
  status: string;
  has_cover: boolean;
  play_count: number;
  like_count: number;
  repost_count: number;
  created_at: string;
  published_at: string | null;
  audio: { duration_s: number } | null;
  links: { stream: string; waveform: string; cover: string };
  /** GET /tracks/:id only: the caller's own like and repost (null when the request had no valid token) */
  viewer?: { liked: boolean; reposted: boolean } | null;
}

export interface Me {
  id: string;
  username: string;
  email: string;
  roles: string[];
  plan: string | null;
  tokens: number;
}

export interface ArtistImages { avatar: string | null; cover: string | null; gallery: string[] }

/** An artist page (GET /artists/:id, /me/artist, PATCH /artists/:id): the listener pages and the editor. */
export interface Artist {
  id: string;
  name: string;
  user_id: string | null;
  username: string | null;
  claimed: boolean;
  verified: boolean;
  genres: string[];
  links: string[];
  country: string | null;
  city: string | null;
  description: string | null;
  credits: string[];
  pinned_track_id: string | null;
  images: ArtistImages;
  image_links: ArtistImages;
  track_count: number;
  followers_count?: number;
  created_at: string;
  /** GET /artists/:id only: whether the caller follows the page (null when the request had no valid token) */
  viewer?: { following: boolean } | null;
}
