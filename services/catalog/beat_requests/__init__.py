"""Beat requests and notifications: a listener's request (paid in accounts' tokens), its expiry and
renewal, producers' responses with their tracks, and the notifications both sides get. ``rules``
holds the costs, lifetimes and matching; docs/business-rules.md "Beat requests" states them."""
