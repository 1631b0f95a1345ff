// Money and dates as people read them: "$45.00 CAD", "12 May 2026".

export function formatMoney(cents: number, currency: string): string {
  const code = currency.toUpperCase();
  try {
    const amount = new Intl.NumberFormat("en-CA", { style: "currency", currency: code, currencyDisplay: "narrowSymbol" })
      .format(cents / 100);
    return `${amount} ${code}`;
  } catch {
    return `${(cents / 100).toFixed(2)} ${code}`;
  }
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString("en-CA", { day: "numeric", month: "long", year: "numeric" });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString("en-CA", { day: "numeric", month: "short", year: "numeric", hour: "2-digit",
                                        minute: "2-digit" });
}

export const PLAN_NAMES: Record<string, string> = { explorer: "Explorer", classic: "Classic", plus: "Plus", pro: "Pro" };

export function planName(code: string | null | undefined): string {
  return code ? PLAN_NAMES[code] ?? code : "—";
}
