// The usage line in the main page's footer (today so far and the forecast to 00:00 UTC, as a
// share of each quota of the plan) and, while the governor slows non-critical Spaces, a
// notice at the top saying so and why.
import type { UsageReport } from "../../shared/usage.js";

const pct = (share: number) => `${Math.round(share * 100)}%`;

export function UsageLine(props: { usage: UsageReport }) {
  const u = props.usage;
  return (
    <p class="usage-line">
      {u.plan === "free" ? "Free plan" : "Paid plan (included amounts)"}, today (UTC) so far and forecast to midnight:{" "}
      {u.quotas.map((q, i) => (
        <span class={q.level === "ok" ? undefined : q.level}>
          {i > 0 ? " · " : ""}
          {q.label} {pct(q.used_share)} → {pct(q.forecast_share)}
        </span>
      ))}
    </p>
  );
}

export function GovernorNotice(props: { usage: UsageReport }) {
  const g = props.usage.governor;
  if (g.stretch <= 1) return null;
  return (
    <p class="announcement warning" role="status">
      <strong>Checks slowed:</strong> {g.reason}
    </p>
  );
}
