// Time with AI apps, CLIs and sites (the workstation sources). Shown only when the agent has
// the route and something was recorded.

import type { Activity } from './api-types.ts';
import { formatDuration } from './format.ts';
import { Cost, Panel } from './widgets.tsx';

const KIND_TEXT = { app: 'app', cli: 'CLI', site: 'site' } as const;

export function ActivityPanel(props: { activity: Activity }) {
  const rows = [...props.activity.rows].sort((a, b) => b.seconds - a.seconds);
  const max = rows.reduce((m, r) => Math.max(m, r.seconds), 0);
  const total = rows.reduce((sum, r) => sum + r.seconds, 0);
  const cost = rows.reduce((sum, r) => sum + r.estimatedCostUsd, 0);
  return (
    <Panel
      title="Time with AI apps and sites"
      id="activity"
      note={
        <>
          last 30 days: {formatDuration(total)} · <Cost usd={cost} basis="estimated" />
        </>
      }
    >
      <ul class="activity-bars">
        {rows.map((r) => (
          <li key={`${r.kind}:${r.subject}`} data-subject={r.subject}>
            <span class={`kind kind-${r.kind}`}>{KIND_TEXT[r.kind] ?? r.kind}</span>
            <span class="subject" title={r.category}>
              {r.subject}
            </span>
            <span class="bar">
              <span
                class="seg seg-time"
                style={{ width: `${max > 0 ? (r.seconds / max) * 100 : 0}%` }}
              />
            </span>
            <span class="num">{formatDuration(r.seconds)}</span>
            <Cost usd={r.estimatedCostUsd} basis="estimated" />
          </li>
        ))}
      </ul>
    </Panel>
  );
}
