"""The audience of artist pages: following a page (any user, claimed page or not), the page's followers,
the "New follower" notification of its verified owner, and the monthly "Analytics report" notification of
every verified producer (docs/community.md "Following artist pages", docs/beat-requests.md "Notifications").

It sits above the other areas: it counts their plays and likes for the report and writes notifications
through beat_requests (docs/catalog-areas.md)."""
