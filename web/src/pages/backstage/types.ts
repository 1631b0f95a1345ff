// Shapes of the producer endpoints the Backstage pages read (gateway/gamification_schemas.py, payout_schemas.py;
// the OpenAPI document at /api/v1/openapi.json is the reference).
import type { Track } from "../../types";

export interface Money {
  amount_cents: number;
  currency: string;
}

export interface ArtistRef {
  id: string;
  name: string;
}

export interface Dashboard {
  artist_id: string;
  greeting: string;
  stats: {
    plays: number; downloads: number; uploads: number;
    plays_this_month: number; downloads_this_month: number; uploads_this_month: number;
    xp: number; level: number; title: string;
  };
  shortcuts: { label: string; href: string }[];
}

export interface ActivityDay {
  date: string;
  plays: number;
  downloads: number;
  uploads: number;
}

export interface Activity {
  artist_id: string;
  days: ActivityDay[];
  overview: { plays: number; downloads: number; uploads: number; active_days: number; busiest_day: string | null;
              from: string; to: string };
  downloads: { total: number; per_100_plays: number | null };
}

export type Growth = "rising" | "steady" | "falling";

export interface ProducerBeat extends Track {
  rejection: { code: string; message: string } | null;
  metadata_completeness: number;
  growth: { plays_last_30_days: number; plays_previous_30_days: number; status: Growth };
}

export interface Collaboration {
  artist_id: string;
  name: string;
  shared_tracks: number;
  plays: number;
  share_of_plays: number;
}

export interface ProducerBeats {
  artist_id: string;
  items: ProducerBeat[];
  total: number;
  next: string | null;
  collaborations: Collaboration[];
}

export interface CollectionStats {
  id: string;
  name: string;
  tracks: number;
  published_tracks: number;
  plays: number;
  likes: number;
  created_at: string;
}

export interface ProducerCollections {
  artist_id: string;
  items: CollectionStats[];
  total: number;
  next: string | null;
}

export type ConnectStatus = "not_connected" | "onboarding" | "restricted" | "payout_ready";

export interface Finances {
  stripe: { status: ConnectStatus; connected: boolean; charges_enabled: boolean; payouts_enabled: boolean;
            currently_due: string[]; country: string | null };
  cards: { balance: Money[]; upcoming: Money[]; in_transit: Money[]; lifetime: Money[] };
  multi_currency_warning: boolean;
  artists: ArtistRef[];
  artist_id: string;
  cached_at: string | null;
  stale: boolean;
}

export interface Transaction {
  id: string;
  kind: "pool_share" | "exclusive_sale" | "transfer" | "transfer_reversal" | "sale_refund" | string;
  amount_cents: number;
  currency: string;
  run_id: string | null;
  period: string | null;
  license_id: string | null;
  stripe_id: string | null;
  created_at: string;
}

export interface Statement {
  period: string;
  artist_id: string;
  pool: Money;
  platform_total: number;
  contribution: number;
  share: number;
  amount: Money;
  tracks: { track_id: string; title: string | null; plays: number; months_since_upload: number; age_factor: number;
            popularity_factor: number; producer_count: number; value: number }[];
  user_centric: { amount: Money; subscribers: number };
}

export interface Achievement {
  code: string;
  name: string;
  description: string;
  xp: number;
  rarity: "common" | "uncommon" | "rare" | "epic" | "legendary" | string;
  holders_share: number;
  earned_at: string | null;
  progress: { current: number; target: number };
}

export interface Progress {
  artist_id: string;
  level: number;
  title: string;
  xp: number;
  level_floor_xp: number;
  next_level_xp: number | null;
  achievements: Achievement[];
}

export interface XpEntry {
  id: string;
  amount: number;
  reason: string;
  track_id: string | null;
  achievement: string | null;
  created_at: string;
}
