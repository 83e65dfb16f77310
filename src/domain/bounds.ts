// How long a name from outside may be. Telemetry and hooks come from any local process: a
// "session id" of a megabyte is not one, and a model or project name that long would be
// carried into every snapshot, stream event and ledger row. Pure.

import type { Observation, SessionSignal, UsageEvent } from './events.ts';

/** Longest session id or usage key accepted; tools use UUIDs and request ids of ~40 chars. */
export const MAX_ID_CHARS = 256;
/** Longest model, project or detail kept; longer ones are cut with an ellipsis. */
export const MAX_NAME_CHARS = 200;

export function cut(s: string, max = MAX_NAME_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function cutOptional(s: string | undefined): string | undefined {
  return s === undefined ? undefined : cut(s);
}

function boundSignal(s: SessionSignal): SessionSignal | undefined {
  if (s.sessionId.length > MAX_ID_CHARS) return undefined;
  const long =
    (s.model?.length ?? 0) > MAX_NAME_CHARS ||
    (s.project?.length ?? 0) > MAX_NAME_CHARS ||
    (s.detail?.length ?? 0) > MAX_NAME_CHARS;
  if (!long) return s;
  return {
    ...s,
    model: cutOptional(s.model),
    project: cutOptional(s.project),
    detail: cutOptional(s.detail),
  };
}

function boundUsage(u: UsageEvent): UsageEvent | undefined {
  if (u.sessionId.length > MAX_ID_CHARS || u.key.length > MAX_ID_CHARS * 2) return undefined;
  if (u.model.length <= MAX_NAME_CHARS && (u.project?.length ?? 0) <= MAX_NAME_CHARS) return u;
  return { ...u, model: cut(u.model), project: cutOptional(u.project) };
}

/**
 * The observation with over-long names cut, and without a signal or billed request whose
 * session id (or key) is too long to be one; `undefined` when that left nothing of it.
 */
export function boundObservation(obs: Observation): Observation | undefined {
  if (obs.signal === undefined && obs.usage === undefined) return obs; // known, says nothing
  const signal = obs.signal === undefined ? undefined : boundSignal(obs.signal);
  const usage = obs.usage === undefined ? undefined : boundUsage(obs.usage);
  if (signal === undefined && usage === undefined) return undefined;
  if (signal === obs.signal && usage === obs.usage) return obs;
  return { signal, usage };
}
