// The dashboard: header, the overview (costs, live sessions, charts, activity) or one
// session's detail (#/session/<id>). The session board follows the event stream; the rollups
// are refetched shortly after the live totals move, and every minute.

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ActivityPanel } from './activity.tsx';
import type { Activity, SessionListMessage, Summary, Usage } from './api-types.ts';
import { errorText, getJson, getOptionalJson } from './api.ts';
import { Board } from './board.tsx';
import { localDay } from './chart-data.ts';
import { useMarkOnce, useRoute } from './hooks.ts';
import { SessionPage } from './session-detail.tsx';
import { type StreamStatus, subscribeSessions } from './stream.ts';
import { SummaryCards } from './summary.tsx';
import { type Theme, type ThemeMode, useTheme } from './theme.ts';
import { CostByTool, TokensByModel } from './usage-charts.tsx';

interface Loaded<T> {
  data: T | null;
  error?: string | undefined;
}

interface Overview {
  summary: Loaded<Summary>;
  byTool: Loaded<Usage>;
  byModel: Loaded<Usage>;
  activity: Loaded<Activity>;
}

const EMPTY: Overview = {
  summary: { data: null },
  byTool: { data: null },
  byModel: { data: null },
  activity: { data: null },
};

const REFRESH_MS = 60_000;
/** After the live totals move: wait this long, so a burst of requests costs one refetch. */
const SETTLE_MS = 2_000;

async function settle<T>(p: Promise<T | null>, previous: Loaded<T>): Promise<Loaded<T>> {
  try {
    return { data: await p };
  } catch (err) {
    // Keep what is shown; say what failed.
    return { data: previous.data, error: errorText(err) };
  }
}

type OnPart = (part: Partial<Overview>) => void;

/**
 * Fetches the overview, handing each part over as it comes. The cost summary is asked for
 * first and alone: the agent answers one request at a time, and the usage rollups behind it
 * are slower and below the fold.
 */
async function loadOverview(prev: Overview, onPart: OnPart, signal?: AbortSignal): Promise<void> {
  onPart({ summary: await settle(getJson<Summary>('/api/summary', signal), prev.summary) });
  // The same 30 days for both usage panels (the agent counts days in its report zone).
  const since = localDay(Date.now(), 29);
  await Promise.all([
    settle(
      getJson<Usage>(`/api/usage?period=day&by=tool&since=${since}`, signal),
      prev.byTool,
    ).then((byTool) => onPart({ byTool })),
    settle(
      getJson<Usage>(`/api/usage?period=total&by=model&since=${since}`, signal),
      prev.byModel,
    ).then((byModel) => onPart({ byModel })),
    settle(getOptionalJson<Activity>('/api/activity', signal), prev.activity).then((activity) =>
      onPart({ activity }),
    ),
  ]);
}

/**
 * The first load, asked for when the script runs rather than after the first render: parts
 * that come before the view subscribes wait here.
 */
interface EarlyLoad {
  parts: Partial<Overview>;
  onPart: OnPart | undefined;
}
let firstLoad: EarlyLoad | undefined;

export function startLoading(): void {
  if (firstLoad !== undefined) return;
  const early: EarlyLoad = { parts: {}, onPart: undefined };
  firstLoad = early;
  void loadOverview(EMPTY, (part) => {
    Object.assign(early.parts, part);
    early.onPart?.(part);
  });
}

function useOverview(list: SessionListMessage | null): Overview {
  const [data, setData] = useState<Overview>(EMPTY);
  const [tick, setTick] = useState(0);
  const current = useRef(data);
  current.current = data;

  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(t);
  }, []);

  // What the live sessions have spent so far: when it moves, the rollups have too.
  let spent = 0;
  for (const s of list?.sessions ?? []) spent += s.requests + s.cost_usd;
  const seen = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (seen.current === undefined || seen.current === spent) {
      seen.current = spent;
      return;
    }
    seen.current = spent;
    const t = setTimeout(() => setTick((n) => n + 1), SETTLE_MS);
    return () => clearTimeout(t);
  }, [spent]);

  // Layout effects, here and for the stream: they run before the first paint, not a frame
  // after it, so data that is already in hand shows in the first frames.
  useLayoutEffect(() => {
    const abort = new AbortController();
    const onPart: OnPart = (part) => {
      if (!abort.signal.aborted) setData((d) => ({ ...d, ...part }));
    };
    // `tick` names no data: it only says when to refetch.
    if (tick === 0 && firstLoad !== undefined) {
      const early = firstLoad;
      onPart(early.parts);
      early.onPart = onPart;
    } else {
      void loadOverview(current.current, onPart, abort.signal);
    }
    return () => abort.abort();
  }, [tick]);
  return data;
}

function OverviewPage(props: {
  list: SessionListMessage | null;
  streamError: string | undefined;
  data: Overview;
  theme: Theme;
}) {
  const { data, list } = props;
  useMarkOnce('aio:board', list !== null);
  useMarkOnce('aio:summary', data.summary.data !== null);
  useMarkOnce('aio:charts', data.byTool.data !== null && data.byModel.data !== null);
  const activity = data.activity.data;
  return (
    <>
      <SummaryCards summary={data.summary.data} error={data.summary.error} />
      <Board list={list} error={props.streamError} />
      <div class="charts">
        <CostByTool usage={data.byTool.data} error={data.byTool.error} theme={props.theme} />
        <TokensByModel usage={data.byModel.data} error={data.byModel.error} />
      </div>
      {activity !== null && activity.rows.length > 0 && <ActivityPanel activity={activity} />}
    </>
  );
}

const STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'agent unreachable, retrying…',
};

const MODE_TEXT: Record<ThemeMode, string> = { auto: 'Auto', light: 'Light', dark: 'Dark' };

export function App() {
  const { mode, theme, toggle } = useTheme();
  const [list, setList] = useState<SessionListMessage | null>(null);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const route = useRoute();
  const data = useOverview(list);
  useLayoutEffect(
    () =>
      subscribeSessions((next, nextStatus) => {
        setList(next);
        setStatus(nextStatus);
      }),
    [],
  );

  const live = route === undefined ? undefined : list?.sessions.find((s) => s.id === route);
  return (
    <>
      <header class="top">
        <h1>
          <a href="#/">ai-observer</a>
        </h1>
        <span class={`stream stream-${status}`} role="status">
          {STATUS_TEXT[status]}
        </span>
        <span class="spacer" />
        <button
          type="button"
          class="theme-toggle"
          onClick={toggle}
          title="Theme: follow the system, light or dark"
          aria-label={`Theme: ${MODE_TEXT[mode]}`}
        >
          Theme: {MODE_TEXT[mode]}
        </button>
      </header>
      <main>
        {route === undefined ? (
          <OverviewPage
            list={list}
            streamError={
              status === 'reconnecting' && list === null ? STATUS_TEXT[status] : undefined
            }
            data={data}
            theme={theme}
          />
        ) : (
          <SessionPage id={route} live={live} theme={theme} />
        )}
      </main>
      <footer class="foot">
        Costs say where they come from: <b>reported</b> by the tool, <b>computed</b> from the price
        table, <b>estimated</b> from an hourly rate, <b>mixed</b> when both; token counts are the
        tools' own. Everything here is served by the agent on this machine.
      </footer>
    </>
  );
}
