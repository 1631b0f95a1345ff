// Shapes of the billing, licensing and beat-request answers these pages read (the OpenAPI document at
// /api/v1/openapi.json is the reference: Plan, Subscription, License, Eligibility, SignedFiles, BeatRequest…).

export interface Money {
  amount_cents: number;
  currency: string;
}

export interface Plan {
  code: "explorer" | "classic" | "plus" | "pro";
  name: string;
  price: Money;
  interval: string;
  monthly_tokens: number;
  downloads: boolean;
}

export interface Subscription {
  plan: Plan["code"];
  status: "active" | "past_due" | "canceled" | null;
  pending_plan: string | null;
  cancel_at_period_end: boolean;
  current_period_start: string | null;
  current_period_end: string | null;
  can_download: boolean;
}

export interface CheckoutSession {
  url: string;
  session_id: string;
}

export interface ExclusiveCheckout extends CheckoutSession {
  price_cents: number;
  fee_cents: number;
  total_cents: number;
  currency: string;
}

export interface Eligibility {
  allowed: boolean;
  reason: "not_published" | "exclusive_sold" | "exclusive_only" | "free_plan" | "payment_overdue" | "own_track"
    | "subscriber" | null;
  message: string;
}

export interface SignedFile {
  url: string;
  format: string;
  filename: string;
}

export interface SignedFiles {
  original?: SignedFile;
  mp3_320?: SignedFile;
  stems?: SignedFile;
  /** exclusive licences (POST /licenses/{id}/files): the WAV, and the WAV tagged with the licence */
  wav?: SignedFile;
  tagged_wav?: SignedFile;
  expires_at: string;
}

export interface License {
  id: string;
  type: "standard" | "exclusive";
  status: "valid" | "revoked";
  track_id: string;
  track_title: string;
  artist_id: string;
  producer_name: string;
  licensee_email_masked: string;
  fingerprint_hash: string | null;
  issued_at: string;
  revoked_at: string | null;
  terms_version: string;
  terms: { new_works: number | null; credit: string; text: string[] };
  price: { price_cents: number; fee_cents: number; currency: string } | null;
  links: { self: string; certificate: string; verify: string };
}

export interface LicensedDownload {
  license: License | null;
  files: SignedFiles;
}

/** A track's exclusive, as GET /tracks/{id} shows it (`contact_email` only for its owner). */
export interface Exclusive {
  price_cents: number;
  currency: string;
  status: "available" | "private" | "sold";
  contact_email?: string;
}

export interface BeatRequest {
  id: string;
  genre: string;
  bpm_min: number;
  bpm_max: number;
  mood: string;
  budget_cents: number;
  currency: string;
  reference_track_id: string | null;
  lifetime_hours: number;
  cost_tokens: number;
  renewals: number;
  status: "open" | "expired";
  created_at: string;
  expires_at: string;
  renewable_until: string;
  tokens?: number;
}

export interface BeatRequestResponse {
  id: string;
  beat_request_id: string;
  artist_id: string;
  artist_name: string;
  producer_username: string | null;
  track_id: string;
  track_name: string;
  message: string | null;
  created_at: string;
}

/** GET /beat-requests/costs: what a request costs by how long it stays open, and what renewing one costs */
export interface BeatRequestCost { lifetime_hours: number; cost_tokens: number }
export interface BeatRequestCosts { costs: BeatRequestCost[]; renewal: BeatRequestCost }
