// My Collections: the producer's collections with their statistics, filtered by name.
import { useState } from "preact/hooks";
import { Empty, ErrorMessage } from "../../components/Status";
import { Loaded, formatDate, formatInt, useMore, useProducerGet } from "./shared";
import type { ProducerCollections } from "./types";

const LIMIT = 20;
const PATH = "/api/v1/producer/collections";

export function Collections() {
  const [q, setQ] = useState("");
  const state = useProducerGet<ProducerCollections>(PATH, { q, limit: LIMIT });
  const more = useMore(state, PATH, { q, limit: LIMIT });

  const onSubmit = (event: Event) => {
    event.preventDefault();
    setQ(String(new FormData(event.currentTarget as HTMLFormElement).get("q") ?? "").trim());
  };

  return (
    <section aria-labelledby="bs-title">
      <h1 id="bs-title">My Collections</h1>
      <form class="bs-search" role="search" aria-label="Filter your collections" onSubmit={onSubmit}>
        <label>Name contains<input name="q" type="search" maxLength={200} defaultValue={q} /></label>
        <button type="submit">Filter</button>
      </form>
      <Loaded state={state} label="Loading your collections…">
        {({ items, total, next }) => (
          <>
            <p class="muted" aria-live="polite">{total === 1 ? "1 collection" : `${formatInt(total)} collections`}</p>
            {items.length === 0 ? (
              <Empty title={q ? `No collection named like “${q}”.` : "No collections yet."}>
                <p>{q ? "Try another name." : "Group beats into a collection when you upload them; it shows here with its numbers."}</p>
              </Empty>
            ) : (
              <div class="bs-table-scroll" role="region" aria-label="Your collections" tabIndex={0}>
                <table class="bs-table">
                  <thead>
                    <tr><th scope="col">Collection</th><th scope="col">Tracks</th><th scope="col">Published</th>
                      <th scope="col">Plays</th><th scope="col">Likes</th><th scope="col">Created</th></tr>
                  </thead>
                  <tbody>
                    {items.map((c) => (
                      <tr key={c.id}>
                        <th scope="row">{c.name}</th>
                        <td>{formatInt(c.tracks)}</td>
                        <td>{formatInt(c.published_tracks)}</td>
                        <td>{formatInt(c.plays)}</td>
                        <td>{formatInt(c.likes)}</td>
                        <td>{formatDate(c.created_at)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <ErrorMessage message={more.error} />
            {next && <button type="button" class="more" onClick={more.load} disabled={more.busy}>
              {more.busy ? "Loading…" : "More collections"}</button>}
          </>
        )}
      </Loaded>
    </section>
  );
}
