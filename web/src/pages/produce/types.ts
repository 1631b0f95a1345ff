// The API's shapes these pages read beyond web/src/types.ts (the OpenAPI document is the reference).
import type { Track } from "../../types";

export interface Application {
  id: string;
  user_id: string;
  username: string | null;
  type: "become_producer" | "claim_artist" | "get_verified";
  status: "pending" | "approved" | "rejected";
  producer_name: string | null;
  beats_link: string | null;
  first_name: string | null;
  last_name: string | null;
  label: string | null;
  instagram: string | null;
  artist_id: string | null;
  rejection_reason: string | null;
  created_at: string;
  decided_at: string | null;
}

export interface Exclusive {
  price_cents: number;
  currency: string;
  contact_email?: string;
  status: string;
}

/** A track as its owner sees it. */
export interface OwnTrack extends Track {
  producer_user_id?: string;
  exclusive: Exclusive | null;
  rejection: { code: string; message: string; details?: Record<string, unknown> } | null;
  cover_preset: string | null;
  collection_id: string | null;
  sample_clearance: string | null;
}

export type { Artist } from "../../types";

/** An item of GET /api/v1/artists?q= (the Claim Existing Artist picker). */
export interface ArtistMatch {
  id: string;
  name: string;
  verified: boolean;
  claim_status: "available" | "claimed";
}

export interface Collection {
  id: string;
  name: string;
  artist_id: string;
  artists: string[];
  genres: string[];
  tags: string[];
  description: string | null;
  track_ids: string[];
  cover_preset?: string | null;
  links?: { cover: string };
}

export interface CollectionStats {
  id: string;
  name: string;
  tracks: number;
  published_tracks: number;
}

/** An item of GET /api/v1/cover-presets. */
export interface CoverPreset {
  id: string;
  genre: string;
  image_url: string;
}

export interface Money {
  amount_cents: number;
  currency: string;
}

export interface Split {
  id: string;
  user_id: string | null;
  artist_ids: string[];
  share: number;
  amount_cents: number;
  transfer_cents: number;
  currency: string;
  status: string;
  reason: string | null;
}

export interface Run {
  id: string;
  period: string;
  status: string;
  pool: Money | null;
  platform_total: number | null;
  started_at: string;
  finished_at: string | null;
  counts: Record<string, number>;
  splits?: Split[];
}
