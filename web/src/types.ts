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
