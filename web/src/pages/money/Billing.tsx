// The signed-in account's plan and billing (/account/billing), and the pages Stripe Checkout sends a buyer back to:
// /billing/success (waits for Stripe's webhooks to make the plan active), /billing/cancel, and the same two for
// an exclusive's purchase (/exclusive/success, /exclusive/cancel).
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Page } from "../../api";
import { reloadMe, useSession } from "../../session";
import { Link, useLocation } from "../../router";
import { ErrorMessage, Loading } from "../../components/Status";
import { formatDate, formatMoney, planName } from "./format";
import { isBilled, openBillingPortal, priceLabel, usePlans, useSubscription } from "./Plans";
import type { License, Subscription } from "./types";
import "./money.css";

const POLL_EVERY_MS = 1000;
const POLL_FOR_MS = 45_000;

function SignInFirst({ what, next }: { what: string; next: string }) {
  return <p><Link href={`/login?next=${encodeURIComponent(next)}`}>Log in</Link> to see {what}.</p>;
}

function StatusBadge({ subscription }: { subscription: Subscription }) {
  switch (subscription.status) {
    case "active":
      return <span class="badge ok">{subscription.cancel_at_period_end ? "Active until the period ends" : "Active"}</span>;
    case "past_due":
      return <span class="badge warn">Payment past due</span>;
    case "canceled":
      return <span class="badge">Cancelled</span>;
    default:
      return <span class="badge">Free plan</span>;
  }
}

export function AccountBilling() {
  const { ready, me } = useSession();
  const { plans } = usePlans();
  const { subscription, error, loaded } = useSubscription(!!me);
  const [busy, setBusy] = useState(false);
  const [portalError, setPortalError] = useState("");

  if (!ready) return <Loading />;
  if (!me) return <section><h1>Plan and billing</h1><SignInFirst what="your plan" next="/account/billing" /></section>;

  const portal = async () => {
    setBusy(true);
    setPortalError("");
    try {
      await openBillingPortal();
    } catch (failure) {
      setPortalError(errorMessage(failure));
      setBusy(false);
    }
  };
  const plan = plans?.find((candidate) => candidate.code === subscription?.plan);
  const end = formatDate(subscription?.current_period_end);

  return (
    <section aria-labelledby="billing-title">
      <h1 id="billing-title">Plan and billing</h1>
      <ErrorMessage message={error} />
      {!loaded ? <Loading label="Loading your plan…" /> : subscription && (
        <>
          {subscription.status === "past_due" && (
            <div class="alert" role="alert">
              <h2>Payment past due</h2>
              <p>Stripe could not take your last payment for {planName(subscription.plan)}. Downloads are paused
                until it is paid: open the billing portal and update your card. Stripe then retries the payment, and
                downloads come back as soon as it goes through. Your licences stay valid meanwhile.</p>
            </div>
          )}
          <div class="panel">
            <h2>Your plan: {planName(subscription.plan)}</h2>
            <dl class="facts">
              <dt>Status</dt><dd data-testid="subscription-status"><StatusBadge subscription={subscription} /></dd>
              {plan && <><dt>Price</dt>
                <dd>{priceLabel(plan)}{plan.price.amount_cents > 0 && ` / ${plan.interval}`}</dd></>}
              {subscription.status === "active" && subscription.current_period_end && (
                <><dt>{subscription.cancel_at_period_end ? "Ends on" : "Renews on"}</dt><dd>{end}</dd></>)}
              {subscription.pending_plan && (
                <><dt>Next plan</dt><dd>{planName(subscription.pending_plan)}, from the renewal on {end}</dd></>)}
              <dt>Downloads</dt>
              <dd>{subscription.can_download ? "Included"
                : subscription.status === "past_due" ? "Paused until the payment goes through" : "Not included"}</dd>
              <dt>Beat-request tokens</dt>
              <dd>{me.tokens} left{plan ? ` of ${plan.monthly_tokens} this month` : ""}</dd>
            </dl>
            {subscription.cancel_at_period_end && subscription.status === "active" && (
              <p class="notice">Your plan is cancelled: it stays {planName(subscription.plan)} until {end}, then
                becomes Explorer (free). Renew it in the billing portal to keep it.</p>
            )}
            {subscription.status === "canceled" && (
              <p class="notice">Your paid plan ended: you are on Explorer. Your licences stay valid.</p>
            )}
            <div class="actions">
              {subscription.status !== null && (
                <button type="button" onClick={portal} disabled={busy}>
                  {busy ? "Opening the billing portal…" : "Open the billing portal"}</button>
              )}
              {!isBilled(subscription) && <Link class="button secondary" href="/plans">Choose a plan</Link>}
            </div>
            {subscription.status !== null && (
              <p class="muted">Change plan, update your card or cancel on Stripe's billing portal.</p>
            )}
            <ErrorMessage message={portalError} />
          </div>
        </>
      )}
      <p class="actions">
        <Link href="/library/licenses">Your licences</Link>
        <Link href="/beat-requests">Beat requests</Link>
        <Link href="/plans">All plans</Link>
      </p>
    </section>
  );
}

/** Asks ``check`` every second until it answers something (or 45 s pass); null meanwhile, "timeout" after. */
function usePoll<T>(check: (() => Promise<T | null>) | null): T | null | "timeout" {
  const [result, setResult] = useState<T | null | "timeout">(null);
  useEffect(() => {
    if (!check) return;
    let stopped = false;
    const started = Date.now();
    const tick = async () => {
      let answer: T | null = null;
      try {
        answer = await check();
      } catch {
        answer = null; // a failed look is like an unconfirmed one: ask again
      }
      if (stopped) return;
      if (answer !== null) setResult(answer);
      else if (Date.now() - started > POLL_FOR_MS) setResult("timeout");
      else timer = window.setTimeout(tick, POLL_EVERY_MS);
    };
    let timer = window.setTimeout(tick, 0);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [!!check]);
  return result;
}

export function BillingResult({ outcome }: { outcome: "success" | "cancel" }) {
  const { ready, me } = useSession();
  const active = usePoll<Subscription>(outcome === "success" && me ? async () => {
    const subscription = await api.get<Subscription>("/api/v1/billing/subscription");
    return subscription.status === "active" && subscription.plan !== "explorer" ? subscription : null;
  } : null);
  useEffect(() => {
    if (active && active !== "timeout") void reloadMe();
  }, [active]);

  if (outcome === "cancel") {
    return (
      <section>
        <h1>Checkout cancelled</h1>
        <p>Nothing was charged. You can pick a plan again whenever you like.</p>
        <p class="actions"><Link href="/plans">Back to the plans</Link><Link href="/">Browse the beats</Link></p>
      </section>
    );
  }
  return (
    <section aria-labelledby="success-title">
      <h1 id="success-title">Thanks — your payment went through</h1>
      <div aria-live="polite">
        {!ready ? <Loading /> : !me ? <SignInFirst what="your plan" next="/account/billing" />
          : active === null ? <Loading label="Waiting for Stripe to confirm your plan…" />
          : active === "timeout" ? (
            <p class="notice">Stripe has not confirmed your plan yet. It usually takes a few seconds: check{" "}
              <Link href="/account/billing">your plan</Link> again in a minute.</p>
          ) : (
            <p class="ok-text" data-testid="plan-confirmed">You are on the {planName(active.plan)} plan. Downloads
              are included{active.current_period_end ? ` until it renews on ${formatDate(active.current_period_end)}` : ""}.</p>
          )}
      </div>
      <p class="actions"><Link href="/">Find a beat to download</Link><Link href="/account/billing">Your plan and billing</Link></p>
    </section>
  );
}

const RECENT_MS = 30 * 60 * 1000;

export function ExclusiveResult({ outcome }: { outcome: "success" | "cancel" }) {
  const { ready, me } = useSession();
  const { search } = useLocation();
  const sessionId = search.get("session_id");
  // the licence follows Stripe's webhook; the return address names only the Checkout Session, so look for an
  // exclusive licence issued in the last half hour
  const licence = usePoll<License>(outcome === "success" && me ? async () => {
    const page = await api.get<Page<License>>("/api/v1/me/licenses", { limit: 10 });
    return page.items.find((item) => item.type === "exclusive" && item.status === "valid"
                                      && Date.now() - new Date(item.issued_at).getTime() < RECENT_MS) ?? null;
  } : null);

  if (outcome === "cancel") {
    return (
      <section>
        <h1>Checkout cancelled</h1>
        <p>Nothing was charged, and the exclusive stays on sale. Go back to the track to buy it later.</p>
        <p class="actions"><Link href="/">Browse the beats</Link></p>
      </section>
    );
  }
  return (
    <section aria-labelledby="exclusive-title">
      <h1 id="exclusive-title">Thank you: your payment went through</h1>
      <p>Your exclusive licence is issued as soon as Stripe confirms the payment, usually within a few seconds. If
        someone else bought this exclusive at the same moment and was confirmed first, your payment is refunded in
        full and you get a notification.</p>
      <div aria-live="polite">
        {!ready ? <Loading /> : !me ? <SignInFirst what="your licence" next="/library/licenses" />
          : licence === null ? <Loading label="Waiting for Stripe to confirm…" />
          : licence === "timeout" ? (
            <p class="notice">No exclusive licence yet. Look in <Link href="/library/licenses">your licences</Link>{" "}
              in a minute.</p>
          ) : (
            <p class="ok-text" data-testid="exclusive-confirmed">The exclusive licence for “{licence.track_title}” is
              yours{licence.price ? ` (${formatMoney(licence.price.price_cents + licence.price.fee_cents, licence.price.currency)} paid)` : ""}.</p>
          )}
      </div>
      {sessionId && <p class="muted">Checkout reference: <code>{sessionId}</code></p>}
      <p class="actions"><Link href="/library/licenses">Your licences</Link></p>
    </section>
  );
}
