// Cost per day by tool (stacked bars) and tokens by model with their cache share.

import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { Usage } from './api-types.ts';
import { axisStyle, Chart, type ChartOptions, seriesColor } from './chart.tsx';
import { stackDaily, tokenSplit, localDay } from './chart-data.ts';
import { formatShare, formatTokens, formatUsd, toolName } from './format.ts';
import type { Theme } from './theme.ts';
import { BasisBadge, Cost, costDetail, Message, Panel } from './widgets.tsx';

export function CostByTool(props: {
  usage: Usage | null;
  error: string | undefined;
  theme: Theme;
}) {
  const { usage, theme } = props;
  const chart = useMemo(() => {
    if (usage === null) return undefined;
    const now = Date.now();
    const since = usage.since ?? localDay(now, 29);
    const until = usage.until ?? localDay(now);
    const s = stackDaily(usage.rows, 'tool', (r) => r.costUsd, since, until);
    // uPlot draws series in order: the full stack first, each smaller part over it.
    const order = s.keys.map((_, k) => k).reverse();
    const opts = (lib: typeof uPlot): ChartOptions => ({
      scales: {
        // Half a day of room each side, so the first and last bars are whole.
        x: { time: true, range: () => [s.xs[0]! - 43_200, s.xs[s.xs.length - 1]! + 43_200] },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
      },
      legend: { live: true },
      cursor: { points: { show: false } },
      axes: [
        { ...axisStyle() },
        { ...axisStyle(), size: 60, values: (_u, splits) => splits.map((v) => formatUsd(v)) },
      ],
      series: [
        { label: 'Day', value: (_u, v) => (v == null ? '' : new Date(v * 1000).toDateString()) },
        ...order.map((k) => {
          const color = seriesColor(s.keys[k]!, k);
          return {
            label: toolName(s.keys[k]!),
            stroke: color,
            fill: color,
            width: 0,
            points: { show: false },
            paths: lib.paths.bars!({ size: [0.7, 40] }),
            value: (_u: uPlot, _v: number | null, _si: number, i: number | null) =>
              i == null ? '' : formatUsd(s.values[k]![i]!),
          };
        }),
      ],
    });
    const data: uPlot.AlignedData = [s.xs, ...order.map((k) => s.stacked[k]!)];
    return { opts, data, empty: s.keys.length === 0 || s.xs.length === 0 };
    // theme: the axis and series colors are read from the page when the chart is built
  }, [usage, theme]);

  return (
    <Panel
      title="Cost per day by tool"
      id="cost-by-tool"
      note={
        usage !== null && (
          <>
            last 30 days:{' '}
            <Cost
              usd={usage.totals.costUsd}
              basis={usage.totals.costBasis}
              detail={costDetail(usage.totals)}
            />
          </>
        )
      }
    >
      {usage === null || chart === undefined ? (
        <Message kind={props.error === undefined ? 'info' : 'error'}>
          {props.error ?? 'Loading usage…'}
        </Message>
      ) : chart.empty ? (
        <Message>No usage in the last 30 days.</Message>
      ) : (
        <Chart opts={chart.opts} data={chart.data} height={220} label="Cost per day by tool" />
      )}
    </Panel>
  );
}

export function TokensByModel(props: { usage: Usage | null; error: string | undefined }) {
  const { usage } = props;
  const rows = usage === null ? [] : [...usage.rows].sort((a, b) => b.totalTokens - a.totalTokens);
  const max = rows.reduce((m, r) => Math.max(m, r.totalTokens), 0);
  return (
    <Panel
      title="Tokens by model"
      id="tokens-by-model"
      note={
        usage !== null && (
          <>
            last 30 days · cache share {formatShare(tokenSplit(usage.totals).cacheShare)} · tokens{' '}
            <BasisBadge basis="reported" />
          </>
        )
      }
    >
      {usage === null ? (
        <Message kind={props.error === undefined ? 'info' : 'error'}>
          {props.error ?? 'Loading usage…'}
        </Message>
      ) : rows.length === 0 ? (
        <Message>No usage in the last 30 days.</Message>
      ) : (
        <>
          <ul class="legend" aria-hidden="true">
            <li class="seg-input">input</li>
            <li class="seg-output">output</li>
            <li class="seg-cache-read">cache read</li>
            <li class="seg-cache-write">cache write</li>
          </ul>
          <ul class="model-bars">
            {rows.map((r) => {
              const t = tokenSplit(r);
              const pct = (n: number) => `${max > 0 ? (n / max) * 100 : 0}%`;
              return (
                <li key={r.model ?? '?'} data-model={r.model}>
                  <div class="model-head">
                    <span class="model-name">{r.model ?? 'unknown model'}</span>
                    <span class="num">{formatTokens(r.totalTokens)}</span>
                    <span class="num cache" title="cache reads of all prompt tokens">
                      cache {formatShare(t.cacheShare)}
                    </span>
                    <Cost usd={r.costUsd} basis={r.costBasis} detail={costDetail(r)} />
                  </div>
                  <div
                    class="bar"
                    title={`input ${formatTokens(t.input)} · output ${formatTokens(t.output)} · cache read ${formatTokens(t.cacheRead)} · cache write ${formatTokens(t.cacheWrite)}`}
                  >
                    <span class="seg seg-input" style={{ width: pct(t.input) }} />
                    <span class="seg seg-output" style={{ width: pct(t.output) }} />
                    <span class="seg seg-cache-read" style={{ width: pct(t.cacheRead) }} />
                    <span class="seg seg-cache-write" style={{ width: pct(t.cacheWrite) }} />
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </Panel>
  );
}
