// Pieces every view uses: a figure with its basis, a panel, a message in place of data.

import type { ComponentChildren } from 'preact';
import type { Basis, Figures } from './api-types.ts';
import { BASIS_SHORT, BASIS_TEXT, formatUsd } from './format.ts';

export function BasisBadge(props: { basis: Basis; detail?: string }) {
  const title =
    props.detail === undefined
      ? BASIS_TEXT[props.basis]
      : `${BASIS_TEXT[props.basis]}; ${props.detail}`;
  return (
    <span class={`basis basis-${props.basis}`} title={title} data-basis={props.basis}>
      {BASIS_SHORT[props.basis]}
    </span>
  );
}

/** How a mixed or partly unpriced cost is made up, for the badge's tooltip. */
export function costDetail(f: Figures): string | undefined {
  const parts: string[] = [];
  if (f.cost.reportedUsd > 0 && f.cost.computedUsd > 0) {
    parts.push(
      `${formatUsd(f.cost.reportedUsd)} reported + ${formatUsd(f.cost.computedUsd)} computed`,
    );
  }
  if (f.cost.unpricedRequests > 0) {
    parts.push(`${f.cost.unpricedRequests} requests without a price are not counted`);
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** A cost and its basis: "$12.40 computed". */
export function Cost(props: { usd: number; basis: Basis; detail?: string | undefined }) {
  return (
    <span class="cost">
      <span class="num">{formatUsd(props.usd)}</span>{' '}
      <BasisBadge
        basis={props.basis}
        {...(props.detail !== undefined ? { detail: props.detail } : {})}
      />
    </span>
  );
}

export function Panel(props: {
  title: string;
  id: string;
  note?: ComponentChildren;
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <section
      class={`panel ${props.class ?? ''}`}
      id={props.id}
      aria-labelledby={`${props.id}-title`}
    >
      <header class="panel-head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        {props.note !== undefined && <span class="panel-note">{props.note}</span>}
      </header>
      {props.children}
    </section>
  );
}

/** Stands where data would be: loading, empty, or an error the agent gave. */
export function Message(props: { kind?: 'info' | 'error'; children: ComponentChildren }) {
  return (
    <p
      class={`message ${props.kind === 'error' ? 'message-error' : ''}`}
      role={props.kind === 'error' ? 'alert' : undefined}
    >
      {props.children}
    </p>
  );
}
