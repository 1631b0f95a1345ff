// The track page's listener actions: like and repost (with their counts), add to a playlist (one of yours, or a
// new one), and the comments. Anonymous visitors are asked to log in instead.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, errorMessage, type Page } from "../../api";
import { useSession } from "../../session";
import { Link, useLocation } from "../../router";
import { ErrorMessage } from "../../components/Status";
import type { Track } from "../../types";
import type { Comment, LikeState, PlaylistSummary, RepostState } from "./types";
import { moment, PagedList, plural, usePaged } from "./lists";
import "./listen.css";

export function LoginPrompt({ action }: { action: string }) {
  const { path } = useLocation();
  return <p class="prompt"><Link href={`/login?next=${encodeURIComponent(path)}`}>Log in to {action}</Link></p>;
}

export function TrackActions({ track }: { track: Track }) {
  const { ready, me } = useSession();
  // the track page asks for the track with the caller's token: `viewer` holds their own like and repost
  const [likes, setLikes] = useState<LikeState>({ liked: !!track.viewer?.liked, like_count: track.like_count });
  const [reposts, setReposts] = useState<RepostState>({ reposted: !!track.viewer?.reposted,
                                                        repost_count: track.repost_count });
  const [busy, setBusy] = useState("");
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const [picking, setPicking] = useState(false);

  useEffect(() => {
    setLikes({ liked: !!track.viewer?.liked, like_count: track.like_count });
    setReposts({ reposted: !!track.viewer?.reposted, repost_count: track.repost_count });
  }, [track.id, track.viewer?.liked, track.viewer?.reposted]);

  if (!ready) return null;
  if (!me) return <LoginPrompt action="like, repost, comment or save this beat to a playlist" />;

  const act = async (name: string, run: () => Promise<void>) => {
    setBusy(name);
    setError("");
    setStatus("");
    try {
      await run();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy("");
    }
  };
  const toggleLike = () => act("like", async () => {
    const path = `/api/v1/likes/tracks/${track.id}`;
    const next = likes.liked ? await api.delete<LikeState>(path) : await api.put<LikeState>(path);
    setLikes(next);
    setStatus(next.liked ? "Liked." : "Like removed.");
  });
  const toggleRepost = () => act("repost", async () => {
    const path = `/api/v1/tracks/${track.id}/repost`;
    const next = reposts.reposted ? await api.delete<RepostState>(path) : await api.put<RepostState>(path);
    setReposts(next);
    setStatus(next.reposted ? "Reposted to your profile." : "Repost removed.");
  });

  return (
    <div class="track-actions">
      <div class="action-row">
        <span class="action">
          <button type="button" class={likes.liked ? "toggle on" : "toggle"} aria-pressed={likes.liked}
                  onClick={toggleLike} disabled={busy === "like"}>
            <span aria-hidden="true">{likes.liked ? "♥" : "♡"}</span> Like
          </button>
          <span class="count" data-testid="like-count">{plural(likes.like_count, "like")}</span>
        </span>
        <span class="action">
          <button type="button" class={reposts.reposted ? "toggle on" : "toggle"} aria-pressed={reposts.reposted}
                  onClick={toggleRepost} disabled={busy === "repost"}>
            <span aria-hidden="true">↻</span> Repost
          </button>
          <span class="count" data-testid="repost-count">{plural(reposts.repost_count, "repost")}</span>
        </span>
        <button type="button" class="secondary" aria-expanded={picking} aria-controls="add-to-playlist"
                onClick={() => setPicking(!picking)}>Add to playlist</button>
      </div>
      <p class="muted" aria-live="polite">{status}</p>
      <ErrorMessage message={error} />
      {picking && <AddToPlaylist track={track} onDone={(message) => {
        setPicking(false);
        setStatus(message);
      }} />}
    </div>
  );
}

function AddToPlaylist({ track, onDone }: { track: Track; onDone: (message: string) => void }) {
  const [playlists, setPlaylists] = useState<PlaylistSummary[] | null>(null);
  const [error, setError] = useState("");
  const [fieldError, setFieldError] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.get<Page<PlaylistSummary>>("/api/v1/me/playlists", { limit: 100 })
      .then((page) => setPlaylists(page.items))
      .catch((failure) => {
        setError(errorMessage(failure));
        setPlaylists([]);
      });
  }, []);

  const add = async (playlist: { id: string; name: string }) => {
    await api.post(`/api/v1/playlists/${playlist.id}/tracks`, { track_id: track.id });
    onDone(`Added to ${playlist.name}.`);
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const chosen = String(form.get("playlist") ?? "");
    const name = String(form.get("name") ?? "").trim();
    setBusy(true);
    setError("");
    setFieldError("");
    try {
      if (chosen === "new") {
        const created = await api.post<PlaylistSummary>("/api/v1/playlists",
                                                        { name, public: form.get("public") === "on" });
        await add(created);
      } else {
        await add(playlists!.find((playlist) => playlist.id === chosen)!);
      }
    } catch (failure) {
      if (failure instanceof ApiError && failure.fields.name) setFieldError(failure.fields.name.join(" "));
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const [choice, setChoice] = useState("new");
  useEffect(() => {
    if (playlists?.length) setChoice(playlists[0].id);
  }, [playlists]);

  if (playlists === null) return <p class="muted" aria-live="polite" id="add-to-playlist">Loading your playlists…</p>;
  return (
    <form id="add-to-playlist" class="panel stack" onSubmit={onSubmit} aria-label="Add to playlist">
      <label>Playlist
        <select name="playlist" value={choice} onChange={(event) => setChoice(event.currentTarget.value)}>
          {playlists.map((playlist) => (
            <option value={playlist.id}>{playlist.name} ({plural(playlist.track_count, "beat")})</option>
          ))}
          <option value="new">New playlist…</option>
        </select>
      </label>
      {choice === "new" && (
        <>
          <label>New playlist name
            <input name="name" required maxLength={100} aria-invalid={fieldError ? true : undefined}
                   aria-describedby={fieldError ? "playlist-name-error" : undefined} />
          </label>
          {fieldError && <span class="field-error" id="playlist-name-error">{fieldError}</span>}
          <label class="check"><input type="checkbox" name="public" defaultChecked /> Public (shown on your profile)</label>
        </>
      )}
      <ErrorMessage message={error} />
      <button type="submit" disabled={busy}>{busy ? "Adding…" : "Add"}</button>
    </form>
  );
}

export function Comments({ track }: { track: Track & { producer_user_id?: string } }) {
  const { ready, me } = useSession();
  const paged = usePaged<Comment>(`/api/v1/tracks/${track.id}/comments`);
  const [error, setError] = useState("");
  const [fieldError, setFieldError] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const [body, setBody] = useState("");

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    setFieldError("");
    setStatus("");
    try {
      const posted = await api.post<Comment>(`/api/v1/tracks/${track.id}/comments`, { body });
      paged.setItems((items) => [posted, ...items]);
      setBody("");
      setStatus("Comment posted.");
    } catch (failure) {
      if (failure instanceof ApiError && failure.fields.body) setFieldError(failure.fields.body.join(" "));
      else setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (comment: Comment) => {
    setError("");
    try {
      await api.delete(`/api/v1/comments/${comment.id}`);
      paged.setItems((items) => items.filter((item) => item.id !== comment.id));
      setStatus("Comment deleted.");
    } catch (failure) {
      setError(errorMessage(failure));
    }
  };

  return (
    <section class="comments" aria-labelledby="comments-title">
      <h2 id="comments-title">Comments</h2>
      {!ready ? null : me ? (
        <form class="stack" onSubmit={onSubmit} noValidate>
          <label>Your comment
            <textarea name="body" rows={3} maxLength={1000} value={body} required
                      aria-invalid={fieldError ? true : undefined}
                      aria-describedby={fieldError ? "comment-error" : undefined}
                      onInput={(event) => setBody(event.currentTarget.value)} />
          </label>
          {fieldError && <span class="field-error" id="comment-error" role="alert">{fieldError}</span>}
          <button type="submit" disabled={busy}>{busy ? "Posting…" : "Post comment"}</button>
        </form>
      ) : <LoginPrompt action="comment" />}
      <p class="muted" aria-live="polite">{status}</p>
      <ErrorMessage message={error} />
      <PagedList paged={paged} label="Comments" empty="No comments yet.">
        {(comment) => (
          <li class="comment">
            <p class="comment-head">
              {comment.author_username ? <Link href={`/users/${comment.author_id}`}>{comment.author_username}</Link>
                                       : <span class="muted">A deleted account</span>}
              <time class="muted" dateTime={comment.created_at}>{moment(comment.created_at)}</time>
            </p>
            <p class="comment-body">{comment.body}</p>
            {me && (me.id === comment.author_id || me.id === track.producer_user_id) && (
              <button type="button" class="link" onClick={() => remove(comment)}
                      aria-label={`Delete comment by ${comment.author_username ?? "a deleted account"}`}>Delete</button>
            )}
          </li>
        )}
      </PagedList>
    </section>
  );
}
