// One session: its live state when the agent follows it, its totals, tokens and cost over
// time (quarter hours), and its requests. Refetched when the live session changes.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { SessionDetail, SessionView } from './api-types.ts';
import { ApiError, errorText, getJson } from './api.ts';
import { axisStyle, Chart, type ChartOptions } from './chart.tsx';
import { cumulative, tokenSplit } from './chart-data.ts';
import {
  formatCount,
  formatDateTime,
  formatShare,
  formatTokens,
  formatUsd,
  toolName,
} from './format.ts';
import { cssVar, type Theme } from './theme.ts';
import { BasisBadge, Cost, costDetail, Message, Panel } from './widgets.tsx';

function Timeline(props: { detail: SessionDetail; theme: Theme }) {
  const { detail, theme } = props;
  const chart = useMemo(() => {
    const xs = detail.timeline.map((p) => p.ts / 1000);
    const tokens = detail.timeline.map((p) => p.totalTokens);
    const cost = cumulative(detail.timeline.map((p) => p.costUsd));
    const tokenColor = cssVar('--accent');
    const costColor = cssVar('--cost');
    const opts = (lib: typeof uPlot): ChartOptions => ({
      scales: {
        // Half a quarter hour of room each side, so the first and last bars are whole (from
        // the data: uPlot widens a single point to a thousand days).
        x: { time: true, range: () => [xs[0]! - 450, xs[xs.length - 1]! + 450] },
        tokens: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
        usd: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
      },
      cursor: { points: { show: false } },
      axes: [
        { ...axisStyle() },
        {
          ...axisStyle(),
          scale: 'tokens',
          size: 56,
          values: (_u, splits) => splits.map((v) => formatTokens(v)),
        },
        {
          ...axisStyle(),
          scale: 'usd',
          side: 1,
          size: 64,
          grid: { show: false },
          values: (_u, splits) => splits.map((v) => formatUsd(v)),
        },
      ],
      series: [
        { label: 'From', value: (_u, v) => (v == null ? '' : formatDateTime(v * 1000)) },
        {
          label: 'tokens per 15 min',
          scale: 'tokens',
          stroke: tokenColor,
          fill: tokenColor,
          width: 0,
          points: { show: false },
          paths: lib.paths.bars!({ size: [0.8, 30] }),
          value: (_u, v) => (v == null ? '' : formatTokens(v)),
        },
        {
          label: 'cost so far',
          scale: 'usd',
          stroke: costColor,
          width: 2,
          points: { show: xs.length < 3 },
          value: (_u, v) => (v == null ? '' : formatUsd(v)),
        },
      ],
    });
    return { opts, data: [xs, tokens, cost] as uPlot.AlignedData };
    // theme: colors are read from the page when the chart is built
  }, [detail, theme]);
  if (detail.timeline.length === 0) return <Message>No billed requests yet.</Message>;
  return (
    <Chart opts={chart.opts} data={chart.data} height={220} label="Tokens and cost over time" />
  );
}

function Requests(props: { detail: SessionDetail }) {
  const rows = [...props.detail.requests].reverse();
  if (rows.length === 0) return <Message>No billed requests in the ledger yet.</Message>;
  return (
    <div class="table-wrap requests-wrap">
      <table class="requests">
        <thead>
          <tr>
            <th>Time</th>
            <th>Model</th>
            <th class="num">Input</th>
            <th class="num">Output</th>
            <th class="num">Cache read</th>
            <th class="num">Cache write</th>
            <th class="num">Total</th>
            <th class="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.ts}-${i}`}>
              <td class="when">{formatDateTime(r.ts)}</td>
              <td class="model">{r.model}</td>
              <td class="num">{formatCount(r.inputTokens)}</td>
              <td class="num">{formatCount(r.outputTokens)}</td>
              <td class="num">{formatCount(r.cacheReadTokens)}</td>
              <td class="num">{formatCount(r.cacheWriteTokens)}</td>
              <td class="num">{formatCount(r.totalTokens)}</td>
              <td class="num">
                <Cost usd={r.costUsd} basis={r.costBasis} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SessionPage(props: { id: string; live: SessionView | undefined; theme: Theme }) {
  const { id, live, theme } = props;
  const [detail, setDetail] = useState<SessionDetail | null>(null);
  const [error, setError] = useState<string | undefined>();
  // The live session's last event: a change means new requests to show.
  const version = live === undefined ? 0 : live.last_event_at + live.requests;
  const loaded = useRef<string | undefined>(undefined);
  useEffect(() => {
    const abort = new AbortController();
    const load = () =>
      getJson<SessionDetail>(`/api/sessions/${encodeURIComponent(id)}`, abort.signal).then(
        (d) => {
          loaded.current = id;
          setDetail(d);
          setError(undefined);
        },
        (err: unknown) => {
          if (abort.signal.aborted) return;
          setError(
            err instanceof ApiError && err.status === 404
              ? `There is no session ${id}: the agent does not follow it and the ledger has no request of it.`
              : `Cannot load the session: ${errorText(err)}`,
          );
        },
      );
    // A busy session changes many times a second: refetch at most twice a second.
    const timer = setTimeout(load, loaded.current === id ? 500 : 0);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [id, version]);

  const shown = detail?.id === id ? detail : null;
  const state = live?.state ?? shown?.live?.state;
  const t = shown?.totals;
  return (
    <div class="session-page" data-session={id}>
      <nav class="crumbs">
        <a href="#/">← All sessions</a>
      </nav>
      <header class="session-head">
        <h2>
          {toolName(shown?.tool ?? live?.tool ?? '')} ·{' '}
          {shown?.project ?? live?.project ?? '(no project)'}
        </h2>
        {state !== undefined && <span class={`state state-${state}`}>{state}</span>}
        <code class="session-id">{id}</code>
      </header>
      {shown === null ? (
        <Message kind={error === undefined ? 'info' : 'error'}>
          {error ?? 'Loading session…'}
        </Message>
      ) : (
        <>
          <section class="cards" aria-label="Session totals">
            <div class="card">
              <h3>Cost</h3>
              <div class="big">
                <Cost usd={t!.costUsd} basis={t!.costBasis} detail={costDetail(t!)} />
              </div>
              <div class="sub">{formatCount(t!.requests)} requests</div>
            </div>
            <div class="card">
              <h3>Tokens</h3>
              <div class="big">
                <span class="num">{formatTokens(t!.totalTokens)}</span>{' '}
                <BasisBadge basis="reported" />
              </div>
              <div class="sub">
                in {formatTokens(t!.inputTokens)} · out {formatTokens(t!.outputTokens)} · cache{' '}
                {formatShare(tokenSplit(t!).cacheShare)}
              </div>
            </div>
            <div class="card">
              <h3>Models</h3>
              <div class="sub models">{shown.models.join(', ') || '–'}</div>
              {shown.live !== null && (
                <div class="sub">started {formatDateTime(shown.live.started_at)}</div>
              )}
            </div>
          </section>
          <Panel title="Tokens and cost over time" id="session-timeline">
            <Timeline detail={shown} theme={theme} />
          </Panel>
          <Panel
            title="Requests"
            id="session-requests"
            note={shown.requests.length >= 500 ? 'the newest 500' : undefined}
          >
            <Requests detail={shown} />
          </Panel>
        </>
      )}
    </div>
  );
}
