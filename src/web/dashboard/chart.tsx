// A uPlot chart that fills its container's width and follows it when the window resizes.
// Options and data come together: a new pair draws a new chart (refreshes are rare, and a
// rebuild keeps theme colors and series in step).

import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { cssVar } from './theme.ts';

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

/**
 * The charting library, loaded when the first chart is drawn: the board and the cost summary
 * do not wait for it (it is most of the script's size).
 */
let library: Promise<typeof uPlot> | undefined;
export function loadCharts(): Promise<typeof uPlot> {
  library ??= import('uplot').then((m) => m.default);
  return library;
}

export function Chart(props: {
  /** Options from the library (for its path builders, e.g. bars). */
  opts: (lib: typeof uPlot) => ChartOptions;
  data: uPlot.AlignedData;
  height: number;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const { opts, data, height } = props;
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    let plot: uPlot | undefined;
    let resize: ResizeObserver | undefined;
    let gone = false;
    void loadCharts().then((lib) => {
      if (gone) return;
      let width = el.clientWidth;
      const made = new lib({ ...opts(lib), width: Math.max(width, 200), height }, data, el);
      plot = made;
      resize = new ResizeObserver(() => {
        if (el.clientWidth === width) return;
        width = el.clientWidth;
        made.setSize({ width: Math.max(width, 200), height });
      });
      resize.observe(el);
    });
    return () => {
      gone = true;
      resize?.disconnect();
      plot?.destroy();
    };
  }, [opts, data, height]);
  return (
    <div
      class="chart"
      ref={box}
      role="img"
      aria-label={props.label}
      style={{ minHeight: `${height}px` }}
    />
  );
}

/** Axis colors from the page's theme. */
export function axisStyle(): Pick<uPlot.Axis, 'stroke' | 'grid' | 'ticks'> {
  const grid = cssVar('--grid');
  return {
    stroke: cssVar('--muted'),
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
  };
}

const FALLBACK = ['#7c8799', '#b0779a', '#5f9e8f', '#a08a4f', '#6c7fd1'];

/** A stable color per tool (the page's theme sets them), others from a small palette. */
export function seriesColor(key: string, index: number): string {
  const own = cssVar(`--tool-${key}`);
  return own !== '' ? own : FALLBACK[index % FALLBACK.length]!;
}
