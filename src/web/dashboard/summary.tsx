// Today, this week, this month, and the active 5-hour block with its burn rate.

import type { Block, Figures, Summary } from './api-types.ts';
import {
  formatClock,
  formatCount,
  formatDuration,
  formatTokens,
  formatUsd,
  toMs,
} from './format.ts';
import { useNow } from './hooks.ts';
import { BasisBadge, Cost, costDetail, Message } from './widgets.tsx';

function PeriodCard(props: { label: string; f: Figures }) {
  const { f } = props;
  return (
    <div class="card" data-period={props.label}>
      <h3>{props.label}</h3>
      <div class="big">
        <Cost usd={f.costUsd} basis={f.costBasis} detail={costDetail(f)} />
      </div>
      <div class="sub">
        {formatTokens(f.totalTokens)} tokens · {formatCount(f.requests)} requests
      </div>
    </div>
  );
}

function BlockCard(props: { block: Block | null }) {
  const now = useNow(15_000);
  const b = props.block;
  if (b === null) {
    return (
      <div class="card block-card" data-period="block">
        <h3>5-hour block</h3>
        <div class="sub">No active block: nothing billed in the last five hours.</div>
      </div>
    );
  }
  const start = toMs(b.start);
  const end = toMs(b.end);
  const elapsed = Math.min(1, Math.max(0, (now - start) / (end - start)));
  const left = Math.max(0, (end - now) / 1000);
  return (
    <div class="card block-card" data-period="block">
      <h3>
        5-hour block{' '}
        <span class="muted">
          {formatClock(start)}–{formatClock(end)}
        </span>
      </h3>
      <div class="progress" title={`${Math.round(elapsed * 100)}% of the block elapsed`}>
        <div class="progress-bar" style={{ width: `${elapsed * 100}%` }} />
      </div>
      <div class="big">
        <Cost usd={b.costUsd} basis={b.costBasis} detail={costDetail(b)} />
        <span class="sub"> · {formatDuration(left)} left</span>
      </div>
      <dl class="facts">
        <dt>Burn rate</dt>
        <dd>
          {formatUsd(b.burnRate.costPerHour)}/h · {formatTokens(b.burnRate.tokensPerMinute)}{' '}
          tokens/min <BasisBadge basis={b.costBasis} />
        </dd>
        <dt>Projected</dt>
        <dd>
          {formatUsd(b.projection.costUsd)} · {formatTokens(b.projection.totalTokens)} tokens by{' '}
          {formatClock(end)} <BasisBadge basis="estimated" detail="at the current burn rate" />
        </dd>
        {b.models.length > 0 && (
          <>
            <dt>Models</dt>
            <dd class="models">{b.models.join(', ')}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

export function SummaryCards(props: { summary: Summary | null; error: string | undefined }) {
  const s = props.summary;
  if (s === null) {
    return (
      <section class="cards" id="summary" aria-label="Cost summary">
        <Message kind={props.error === undefined ? 'info' : 'error'}>
          {props.error ?? 'Loading costs…'}
        </Message>
      </section>
    );
  }
  return (
    <section class="cards" id="summary" aria-label="Cost summary" data-ready="true">
      <PeriodCard label="Today" f={s.today} />
      <PeriodCard label="This week" f={s.week} />
      <PeriodCard label="This month" f={s.month} />
      <BlockCard block={s.block} />
    </section>
  );
}
