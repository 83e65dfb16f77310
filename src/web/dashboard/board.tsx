// The live sessions board: every session the agent follows, the ones that need the user
// first (the order of the agent's list), updated from the event stream without a reload.

import type { SessionListMessage, SessionView } from './api-types.ts';
import { formatAgo, formatCount, formatDateTime, formatTokens, toolName } from './format.ts';
import { sessionHref, useNow } from './hooks.ts';
import { Cost, Message, Panel } from './widgets.tsx';

const STATE_TEXT: Record<SessionView['state'], string> = {
  working: 'working',
  waiting: 'waiting for you',
  completed: 'completed',
  idle: 'idle',
  expired: 'expired',
};

function tokenTitle(s: SessionView): string {
  const t = s.tokens;
  return (
    `input ${formatCount(t.input)} · output ${formatCount(t.output)} · ` +
    `cache read ${formatCount(t.cache_read)} · cache write ${formatCount(t.cache_write)}` +
    (t.reasoning > 0 ? ` · reasoning ${formatCount(t.reasoning)} (in output)` : '') +
    ` · ${formatCount(s.requests)} requests`
  );
}

function Row(props: { s: SessionView; now: number }) {
  const { s, now } = props;
  const href = sessionHref(s.id);
  const fromCounters = s.usage_source === 'metrics' ? "from the tool's counters" : undefined;
  return (
    <tr
      data-session-id={s.id}
      data-state={s.state}
      class={now - s.last_event_at < 3000 ? 'fresh' : undefined}
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('a') === null) location.hash = href.slice(1);
      }}
    >
      <td>
        <span class={`state state-${s.state}`}>{STATE_TEXT[s.state]}</span>
        {s.detail !== null && <div class="detail">{s.detail}</div>}
      </td>
      <td>
        <span class={`tool tool-${s.tool}`}>{toolName(s.tool)}</span>
      </td>
      <td class="project">
        <a href={href} title={`session ${s.id}`}>
          {s.project ?? <span class="muted">(no project)</span>}
        </a>
      </td>
      <td class="model" title={s.model ?? undefined}>
        {s.model ?? <span class="muted">–</span>}
      </td>
      <td class="num" title={tokenTitle(s)}>
        {formatTokens(s.tokens.total)}
      </td>
      <td class="num">
        <Cost usd={s.cost_usd} basis={s.cost_basis} detail={fromCounters} />
      </td>
      <td class="when" title={`last event ${formatDateTime(s.last_event_at)}`}>
        {formatAgo(s.last_event_at, now)}
      </td>
    </tr>
  );
}

export function Board(props: { list: SessionListMessage | null; error: string | undefined }) {
  const now = useNow(1000);
  const { list } = props;
  const c = list?.counts;
  const note =
    c === undefined
      ? undefined
      : `${c.working} working · ${c.waiting} waiting · ${c.completed} completed · ${c.idle} idle`;
  return (
    <Panel title="Live sessions" id="sessions" note={note}>
      {list === null ? (
        <Message kind={props.error === undefined ? 'info' : 'error'}>
          {props.error ?? 'Connecting to the agent…'}
        </Message>
      ) : list.sessions.length === 0 ? (
        <Message>
          No live sessions. Sessions appear here as soon as Claude Code, Codex or Gemini CLI send
          telemetry or hooks to this agent (see <code>ai-observer setup</code>).
        </Message>
      ) : (
        <div class="table-wrap">
          <table class="board">
            <thead>
              <tr>
                <th>State</th>
                <th>Tool</th>
                <th>Project</th>
                <th>Model</th>
                <th class="num">Tokens</th>
                <th class="num">Cost</th>
                <th>Last event</th>
              </tr>
            </thead>
            <tbody>
              {list.sessions.map((s) => (
                <Row key={s.id} s={s} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
