import { Link } from "../router";

export function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>Nothing lives at this address. <Link href="/">Browse the newest beats</Link>.</p>
    </section>
  );
}

export function BillingResult({ outcome }: { outcome: "success" | "cancel" }) {
  return outcome === "success" ? (
    <section>
      <h1>Thanks — your plan is being set up</h1>
      <p>Stripe has your payment. Your plan shows on your account as soon as Stripe confirms it, usually within seconds.</p>
      <Link href="/">Back to the beats</Link>
    </section>
  ) : (
    <section>
      <h1>Checkout cancelled</h1>
      <p>Nothing was charged. You can pick a plan again whenever you like.</p>
      <Link href="/">Back to the beats</Link>
    </section>
  );
}
