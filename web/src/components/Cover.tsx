import { useState } from "preact/hooks";

/** A cover image; where there is none (or it fails to load), a gradient tile drawn from the title. */
export function Cover({ src, title, size = 200, large = false, alt = "" }:
  { src: string; title: string; size?: number; large?: boolean; alt?: string }) {
  const [failed, setFailed] = useState(false);
  const classes = large ? "cover large" : "cover";
  if (failed) {
    const hue = [...title].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 360, 7);
    return (
      <span class={`${classes} cover-fallback`} role={alt ? "img" : undefined} aria-label={alt || undefined}
            style={{ background: `linear-gradient(135deg, hsl(${hue} 70% 45%), hsl(${(hue + 60) % 360} 70% 25%))` }}>
        <span aria-hidden="true">{title.slice(0, 1).toUpperCase()}</span>
      </span>
    );
  }
  return <img class={classes} src={src} alt={alt} width={size} height={size} loading="lazy" onError={() => setFailed(true)} />;
}
