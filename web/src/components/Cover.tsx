import { useState } from "preact/hooks";

/** The sizes the API serves a cover at (`?size=`, docs/covers.md "Sizes"): fitted into size × size, WebP. */
const COVER_SIZES = [160, 320, 640] as const;

/** A cover URL asking for the smallest served size that fills `px` pixels (the largest when none does). */
export function coverAt(src: string, px: number): string {
  const size = COVER_SIZES.find((candidate) => candidate >= px) ?? COVER_SIZES[COVER_SIZES.length - 1];
  return `${src}${src.includes("?") ? "&" : "?"}size=${size}`;
}

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
  // the size shown, and twice it for high-density screens: never the megabytes of the uploaded original
  return <img class={classes} src={coverAt(src, size)} srcSet={`${coverAt(src, size)} 1x, ${coverAt(src, size * 2)} 2x`}
              alt={alt} width={size} height={size} loading="lazy" onError={() => setFailed(true)} />;
}
