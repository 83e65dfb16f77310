// A uPlot chart that fills its container's width and follows it when the window resizes.
// Options and data come together: a new pair draws a new chart (refreshes are rare, and a
// rebuild keeps theme colors and series in step).

import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { cssVar } from './theme.ts';

export function Chart(props: {
  opts: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const { opts, data, height } = props;
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    let width = el.clientWidth;
    const plot = new uPlot({ ...opts, width: Math.max(width, 200), height }, data, el);
    const resize = new ResizeObserver(() => {
      if (el.clientWidth === width) return;
      width = el.clientWidth;
      plot.setSize({ width: Math.max(width, 200), height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [opts, data, height]);
  return <div class="chart" ref={box} role="img" aria-label={props.label} />;
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
