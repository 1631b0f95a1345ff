// The track player: the browser's own <audio> element (it streams with HTTP Range and seeks), the waveform drawn
// from the waveform endpoint (click or arrow keys to seek), and listening reports so plays count (docs/plays.md:
// a play counts at 30 s or 80 %, whichever comes first).
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorMessage } from "../api";
import { useSession } from "../session";
import type { Track } from "../types";

interface PlayResult {
  counted: boolean;
  reason: string;
  play_count: number;
}

const REPORT_EVERY_S = 5;

export function Player({ track, onCounted }: { track: Track; onCounted: (count: number) => void }) {
  const { me } = useSession();
  const audio = useRef<HTMLAudioElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [peaks, setPeaks] = useState<number[] | null>(null);
  const [position, setPosition] = useState(0);
  const [status, setStatus] = useState("");
  const lastReport = useRef(0);
  const counted = useRef(false);
  const duration = track.audio?.duration_s ?? 0;

  useEffect(() => {
    const controller = new AbortController();
    api.get<{ peaks: number[] }>(track.links.waveform, {}, controller.signal)
      .then((body) => setPeaks(body.peaks))
      .catch(() => setPeaks([]));
    return () => controller.abort();
  }, [track.id]);

  useEffect(() => draw(canvas.current, peaks ?? [], duration ? position / duration : 0), [peaks, position, duration]);

  const report = async (force = false) => {
    const element = audio.current;
    if (!me || !element || !duration || counted.current) return;
    const at = element.currentTime;
    if (!force && at - lastReport.current < REPORT_EVERY_S) return;
    lastReport.current = at;
    try {
      const result = await api.post<PlayResult>(`/api/v1/tracks/${track.id}/plays`,
                                                { position_s: Math.min(at, duration), duration_s: duration });
      if (result.counted) {
        counted.current = true;
        setStatus("Play counted. Thanks for listening!");
        onCounted(result.play_count);
      }
    } catch (failure) {
      setStatus(errorMessage(failure));
    }
  };

  const seekTo = (fraction: number) => {
    const element = audio.current;
    if (!element || !duration) return;
    element.currentTime = Math.max(0, Math.min(duration, fraction * duration));
    setPosition(element.currentTime);
  };

  const onWaveClick = (event: MouseEvent) => {
    const box = (event.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    seekTo((event.clientX - box.left) / box.width);
  };

  const onWaveKey = (event: KeyboardEvent) => {
    const step = event.key === "ArrowRight" ? 5 : event.key === "ArrowLeft" ? -5 : 0;
    if (!step || !duration) return;
    event.preventDefault();
    seekTo((position + step) / duration);
  };

  return (
    <div class="player">
      <canvas ref={canvas} class="waveform" width={800} height={96} tabIndex={0} role="slider"
              aria-label="Waveform: seek" aria-valuemin={0} aria-valuemax={Math.round(duration)}
              aria-valuenow={Math.round(position)} aria-valuetext={`${Math.round(position)} of ${Math.round(duration)} seconds`}
              onClick={onWaveClick} onKeyDown={onWaveKey} />
      <audio ref={audio} src={track.links.stream} controls preload="metadata" aria-label={`Play ${track.name}`}
             onTimeUpdate={() => {
               setPosition(audio.current?.currentTime ?? 0);
               void report();
             }}
             onPause={() => void report(true)} onEnded={() => void report(true)} />
      <p class="muted" role="status" aria-live="polite">
        {status || (me ? "" : "Log in to have your plays counted.")}
      </p>
    </div>
  );
}

function draw(element: HTMLCanvasElement | null, peaks: number[], progress: number): void {
  const context = element?.getContext("2d");
  if (!element || !context) return;
  const { width, height } = element;
  context.clearRect(0, 0, width, height);
  if (!peaks.length) return;
  const bar = width / peaks.length;
  peaks.forEach((peak, index) => {
    const x = index * bar;
    const h = Math.max(2, peak * height);
    context.fillStyle = x / width <= progress ? "#ffb347" : "#59606e";
    context.fillRect(x, (height - h) / 2, Math.max(1, bar - 1), h);
  });
}
