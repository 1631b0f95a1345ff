// The plans (public), with Stripe Checkout to subscribe: POST /billing/checkout answers Stripe's hosted page, where
// the browser goes; Stripe sends it back to /billing/success or /billing/cancel (Billing.tsx).
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Page } from "../../api";
import { useSession } from "../../session";
import { Link } from "../../router";
import { ErrorMessage, Loading } from "../../components/Status";
import { formatMoney, planName } from "./format";
import type { CheckoutSession, Plan, Subscription } from "./types";
import "./money.css";

/** A subscription Stripe still bills (or tries to): plan changes go through the billing portal, not a checkout. */
export function isBilled(subscription: Subscription | null): boolean {
  return !!subscription && (subscription.status === "active" || subscription.status === "past_due");
}

export async function openBillingPortal(): Promise<void> {
  const { url } = await api.post<{ url: string }>("/api/v1/billing/portal");
  location.href = url;
}

export function usePlans(): { plans: Plan[] | null; error: string } {
  const [plans, setPlans] = useState<Plan[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    const controller = new AbortController();
    api.get<Page<Plan>>("/api/v1/plans", {}, controller.signal)
      .then((page) => setPlans(page.items))
      .catch((failure) => {
        setError(errorMessage(failure));
        setPlans([]);
      });
    return () => controller.abort();
  }, []);
  return { plans, error };
}

export function useSubscription(signedIn: boolean): { subscription: Subscription | null; error: string; loaded: boolean } {
  const [subscription, setSubscription] = useState<Subscription | null>(null);
  const [error, setError] = useState("");
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    if (!signedIn) {
      setSubscription(null);
      setLoaded(true);
      return;
    }
    const controller = new AbortController();
    setLoaded(false);
    api.get<Subscription>("/api/v1/billing/subscription", {}, controller.signal)
      .then(setSubscription)
      .catch((failure) => setError(errorMessage(failure)))
      .finally(() => setLoaded(true));
    return () => controller.abort();
  }, [signedIn]);
  return { subscription, error, loaded };
}

export function priceLabel(plan: Plan): string {
  return plan.price.amount_cents === 0 ? "Free" : formatMoney(plan.price.amount_cents, plan.price.currency);
}

function tokensLabel(count: number): string {
  return `${count} beat-request token${count === 1 ? "" : "s"} a month`;
}

export function Plans() {
  const { ready, me } = useSession();
  const { plans, error: plansError } = usePlans();
  const { subscription, error: subscriptionError } = useSubscription(!!me);
  const [busy, setBusy] = useState("");
  const [error, setError] = useState("");
  const billed = isBilled(subscription);
  const current = me ? subscription?.plan ?? me.plan : null;

  const subscribe = async (plan: Plan) => {
    setBusy(plan.code);
    setError("");
    try {
      const session = await api.post<CheckoutSession>("/api/v1/billing/checkout", { plan: plan.code });
      location.href = session.url; // Stripe's hosted Checkout page
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy("");
    }
  };

  const portal = async () => {
    setBusy("portal");
    setError("");
    try {
      await openBillingPortal();
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy("");
    }
  };

  const action = (plan: Plan) => {
    if (!ready) return null;
    if (!me) {
      return plan.price.amount_cents === 0
        ? <Link class="button secondary" href="/signup">Sign up free</Link>
        : <Link class="button" href="/login?next=/plans" aria-label={`Log in to subscribe to ${plan.name}`}>
            Log in to subscribe</Link>;
    }
    if (plan.code === current) return <span class="badge ok">Your plan</span>;
    if (plan.price.amount_cents === 0) {
      return billed ? <p class="muted">Cancel your paid plan in the billing portal to come back to {plan.name}.</p> : null;
    }
    if (billed) {
      return <button type="button" class="secondary" onClick={portal} disabled={busy !== ""}
                     aria-label={`Switch to ${plan.name} in the billing portal`}>
        {busy === "portal" ? "Opening the billing portal…" : "Switch in the billing portal"}</button>;
    }
    return <button type="button" onClick={() => subscribe(plan)} disabled={busy !== ""}
                   aria-label={`Subscribe to ${plan.name}`}>
      {busy === plan.code ? "Opening Stripe Checkout…" : `Subscribe to ${plan.name}`}</button>;
  };

  return (
    <section aria-labelledby="plans-title">
      <h1 id="plans-title">Plans</h1>
      <p class="muted">Stream every beat for free. Paid plans add downloads, each with a standard licence and its
        certificate, and more beat-request tokens. Billed monthly through Stripe; change or cancel any time.</p>
      {me && subscription?.status === "past_due" && (
        <div class="alert" role="alert">
          <h2>Payment past due</h2>
          <p>Your last payment for {planName(subscription.plan)} failed, so downloads are paused.{" "}
            <Link href="/account/billing">Update your payment method</Link> to resume them.</p>
        </div>
      )}
      <ErrorMessage message={plansError || subscriptionError} />
      {plans === null ? <Loading label="Loading the plans…" /> : (
        <ul class="plans" aria-label="Plans">
          {plans.map((plan) => (
            <li key={plan.code} class={plan.code === current ? "plan current" : "plan"} aria-labelledby={`plan-${plan.code}`}>
              <h2 id={`plan-${plan.code}`}>{plan.name}</h2>
              <p class="plan-price">{priceLabel(plan)}
                {plan.price.amount_cents > 0 && <small> / {plan.interval}</small>}</p>
              <ul>
                <li>Stream every beat</li>
                <li>{plan.downloads ? "Downloads with a standard licence and certificate" : "No downloads"}</li>
                <li>{tokensLabel(plan.monthly_tokens)}</li>
              </ul>
              {action(plan)}
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage message={error} />
      {me && <p><Link href="/account/billing">Your plan and billing</Link></p>}
    </section>
  );
}
