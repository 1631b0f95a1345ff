import type { ComponentChildren } from "preact";

export function ErrorMessage({ message }: { message: string }) {
  if (!message) return null;
  return <p class="error" role="alert">{message}</p>;
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {children}
    </div>
  );
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return <p class="muted" role="status">{label}</p>;
}
