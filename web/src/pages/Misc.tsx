import { Link } from "../router";

export function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>Nothing lives at this address. <Link href="/">Browse the newest beats</Link>.</p>
    </section>
  );
}
