// Claude Code-shaped OTLP load for the benchmarks: batches of claude_code.api_request records
// with a unique request_id each (so every record is a new billed request for its session), and
// a keep-alive OTLP/HTTP poster.
//
// A batch is built once per session with the test builders (test/support/otlp-builders.ts) and
// then re-used: for each send only the request ids, times and token counts are rewritten in
// place before encoding, which keeps the load client cheap enough to run beside the agent.

import { Agent, request } from 'node:http';
import type { JsonObject } from '@bufbuild/protobuf';
import type { ExportLogsServiceRequest } from '../../src/ingest/otlp/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts';
import {
  claudeLogsRequest,
  keyValues,
  msToNanos,
  toJson,
  toProtobuf,
} from '../../test/support/otlp-builders.ts';

export type Format = 'protobuf' | 'json';

export const CONTENT_TYPE: Record<Format, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** A stable UUID-shaped session id for session number `i`. */
export function sessionId(i: number): string {
  const hex = i.toString(16).padStart(12, '0');
  return `b3e7c0de-0000-4000-8000-${hex}`;
}

interface JsonAttr {
  key: string;
  value: { stringValue?: string; intValue?: string; doubleValue?: number };
}
interface JsonRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  attributes: JsonAttr[];
}

/**
 * Batches of `count` api_request records for one session. Each call to `next()` gives records
 * with fresh request ids (`req_<session>_<seq>`), the current time, and input_tokens = seq, so
 * the session's `requests` count and token totals change with every record.
 */
export class ClaudeBatches {
  readonly sessionId: string;
  readonly count: number;
  /** Records sent so far for this session (= the session's `requests` after they land). */
  sent = 0;
  readonly #msg: ExportLogsServiceRequest;
  readonly #json: JsonObject;
  readonly #jsonRecords: JsonRecord[];
  readonly #tag: string;

  constructor(session: number, count: number) {
    this.sessionId = sessionId(session);
    this.count = count;
    this.#tag = session.toString(36);
    this.#msg = claudeLogsRequest({ sessionId: this.sessionId, count, startMs: Date.now() });
    for (const r of this.#records()) {
      r.attributes.push(...keyValues({ request_id: 'req_0000000000000000' }));
    }
    this.#json = toJson(this.#msg);
    const rl = (this.#json.resourceLogs as JsonObject[])[0]!;
    const sl = (rl.scopeLogs as JsonObject[])[0]!;
    this.#jsonRecords = sl.logRecords as unknown as JsonRecord[];
  }

  #records() {
    return this.#msg.resourceLogs[0]!.scopeLogs[0]!.logRecords;
  }

  /** The next batch, encoded. */
  next(format: Format, nowMs = Date.now()): Uint8Array {
    const nanos = msToNanos(nowMs);
    const nanosText = nanos.toString();
    const first = this.sent;
    this.sent += this.count;
    if (format === 'protobuf') {
      const recs = this.#records();
      for (let i = 0; i < recs.length; i++) {
        const r = recs[i]!;
        const seq = first + i + 1;
        r.timeUnixNano = nanos;
        r.observedTimeUnixNano = nanos;
        for (const kv of r.attributes) {
          const v = kv.value?.value;
          if (v === undefined) continue;
          if (kv.key === 'request_id' && v.case === 'stringValue')
            v.value = `req_${this.#tag}_${seq}`;
          else if (kv.key === 'input_tokens' && v.case === 'intValue') v.value = BigInt(seq);
        }
      }
      return toProtobuf(this.#msg);
    }
    for (let i = 0; i < this.#jsonRecords.length; i++) {
      const r = this.#jsonRecords[i]!;
      const seq = first + i + 1;
      r.timeUnixNano = nanosText;
      r.observedTimeUnixNano = nanosText;
      for (const kv of r.attributes) {
        if (kv.key === 'request_id') kv.value.stringValue = `req_${this.#tag}_${seq}`;
        else if (kv.key === 'input_tokens') kv.value.intValue = String(seq);
      }
    }
    return new TextEncoder().encode(JSON.stringify(this.#json));
  }
}

export interface PostResult {
  status: number;
  /** ms from just before the request was written to the end of the response. */
  ms: number;
}

/** OTLP/HTTP POST /v1/logs over a keep-alive agent; never rejects (status 0 = network error). */
export function postLogs(
  agent: Agent,
  port: number,
  body: Uint8Array,
  format: Format,
): Promise<PostResult> {
  const t0 = performance.now();
  return new Promise((ok) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/logs',
        headers: { 'Content-Type': CONTENT_TYPE[format], 'Content-Length': body.byteLength },
      },
      (res) => {
        res.resume();
        res.on('end', () => ok({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
        res.on('error', () => ok({ status: 0, ms: performance.now() - t0 }));
      },
    );
    req.on('error', () => ok({ status: 0, ms: performance.now() - t0 }));
    req.end(body);
  });
}

export function keepAliveAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

// ---------------------------------------------------------------------------------------------
// paced load: `rate` records/s over `sessions` sessions, `batch` records per request

export interface PacedLoadOptions {
  port: number;
  rate: number;
  sessions: number;
  batch: number;
  durationMs: number;
  format?: Format;
  maxSockets?: number;
  /** Called just before each request is written: session index, its `requests` after it lands. */
  onSend?: (session: ClaudeBatches, expectedRequests: number, at: number) => void;
  /** Stop early when this returns true (checked every tick). */
  stop?: () => boolean;
}

export interface PacedLoadResult {
  requests: number;
  records: number;
  ok: number;
  failed: Record<number, number>;
  /** Largest lag of the sender behind its schedule, ms. */
  maxBehindMs: number;
  elapsedMs: number;
  httpMs: number[];
}

/**
 * Sends requests on a fixed schedule (open loop: it does not wait for answers, up to
 * `maxSockets` in flight), round-robin over the sessions, for `durationMs`.
 */
export async function pacedLoad(o: PacedLoadOptions): Promise<PacedLoadResult> {
  const format = o.format ?? 'protobuf';
  const agent = keepAliveAgent(o.maxSockets ?? 16);
  const sessions = Array.from({ length: o.sessions }, (_, i) => new ClaudeBatches(i, o.batch));
  const intervalMs = (1000 * o.batch) / o.rate;
  const total = Math.floor(o.durationMs / intervalMs);
  const result: PacedLoadResult = {
    requests: 0,
    records: 0,
    ok: 0,
    failed: {},
    maxBehindMs: 0,
    elapsedMs: 0,
    httpMs: [],
  };
  const inflight = new Set<Promise<void>>();
  const start = performance.now();
  let i = 0;
  while (i < total && !o.stop?.()) {
    const now = performance.now();
    const due = start + i * intervalMs;
    if (due > now) {
      await new Promise((r) => setTimeout(r, Math.max(1, Math.floor(due - now))));
      continue;
    }
    result.maxBehindMs = Math.max(result.maxBehindMs, now - due);
    // Send everything that is due now, then give the event loop a turn.
    while (i < total && start + i * intervalMs <= performance.now()) {
      const s = sessions[i % sessions.length]!;
      const body = s.next(format);
      o.onSend?.(s, s.sent, performance.now());
      const p = postLogs(agent, o.port, body, format).then((r) => {
        result.httpMs.push(r.ms);
        if (r.status === 200) result.ok++;
        else result.failed[r.status] = (result.failed[r.status] ?? 0) + 1;
        inflight.delete(p);
      });
      inflight.add(p);
      result.requests++;
      result.records += o.batch;
      i++;
    }
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(inflight);
  result.elapsedMs = performance.now() - start;
  agent.destroy();
  return result;
}
