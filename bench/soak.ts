// Soak: the real agent with every source on, under steady OTLP load, for a long time.
//
//   node bench/soak.ts [--minutes 30] [--rate 2000] [--sessions 200] [--batch 10]
//                      [--log-lines 20] [--build dist|ts] [--out FILE]
//
// Starts `ai-observer serve` (ledger indexing, process, foreground, browser and shell history
// sources all on: the defaults) in a fresh AI_OBSERVER_HOME, a real `ai-observer watch` child,
// and sends OTLP/HTTP protobuf batches of `batch` claude_code.api_request records at `rate`
// records/s round-robin over `sessions` sessions, while `log-lines` Claude transcript lines per
// second are appended to a session file the agent indexes. Every minute it prints one row: the
// minute's request → watch line latency (p50/p99/max), error responses, and the agent's memory
// (VmRSS and private memory from /proc). Ends with the totals and whether the goals held:
// no error responses, p99 < 50 ms in every minute, memory flat (last minute's private memory
// within 20 % of the second minute's). Listens on 127.0.0.1 only; bounded by --minutes.

import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AgentBuild, readMemory, startAgent, startWatch } from './lib/agent.ts';
import { pacedLoad } from './lib/load.ts';
import { fmt, int, machine, numberFlags, summarize } from './lib/stats.ts';

const SESSION_RE = /\{"id":"([^"]+)",[^{}]*?"requests":(\d+)/g;

interface Minute {
  minute: number;
  n: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  rssMb: number;
  privateMb: number;
  logLines: number;
}

export async function runSoak(o: {
  minutes: number;
  rate: number;
  sessions: number;
  batch: number;
  logLines: number;
  build: AgentBuild;
  out?: string;
}): Promise<{ minutes: Minute[]; ok: boolean }> {
  const log = (line: string) => {
    console.log(line);
    if (o.out !== undefined) appendFileSync(o.out, `${line}\n`);
  };
  const claudeDir = join(
    (await import('node:os')).tmpdir(),
    `aio-soak-claude-${process.pid}-${Date.now()}`,
  );
  const projectDir = join(claudeDir, 'projects', '-work-soak');
  mkdirSync(projectDir, { recursive: true });
  const transcript = join(projectDir, 'soak-session.jsonl');
  writeFileSync(transcript, '');
  const agent = await startAgent({ build: o.build, env: { CLAUDE_CONFIG_DIR: claudeDir } });
  log(`machine: ${machine()}`);
  log(
    `soak: ${int(o.rate)} records/s (${o.batch}/request), ${o.sessions} sessions, ` +
      `${o.logLines} transcript lines/s, ${o.minutes} min, agent pid ${agent.pid} (${o.build})`,
  );
  const pending = new Map<string, { q: { n: number; t0: number }[]; head: number }>();
  let bucket: number[] = [];
  let connected: () => void = () => {};
  const first = new Promise<void>((r) => {
    connected = r;
  });
  const watch = startWatch(agent.url, (line, at) => {
    connected();
    SESSION_RE.lastIndex = 0;
    for (let m = SESSION_RE.exec(line); m !== null; m = SESSION_RE.exec(line)) {
      const p = pending.get(m[1]!);
      if (p === undefined) continue;
      const requests = Number(m[2]);
      while (p.head < p.q.length && p.q[p.head]!.n <= requests) {
        bucket.push(at - p.q[p.head]!.t0);
        p.head++;
      }
      if (p.head > 1024) {
        p.q.splice(0, p.head);
        p.head = 0;
      }
    }
  });
  await first;

  // Transcript appends: one billed assistant line per tick, new request id each time.
  let lineSeq = 0;
  let logLinesThisMinute = 0;
  const appender = setInterval(() => {
    const ts = new Date().toISOString();
    let text = '';
    for (let i = 0; i < o.logLines; i++) {
      lineSeq++;
      text += `${JSON.stringify({
        type: 'assistant',
        sessionId: 'soak-session',
        timestamp: ts,
        cwd: '/work/soak',
        requestId: `req_soak_${lineSeq}`,
        message: {
          id: `msg_soak_${lineSeq}`,
          model: 'claude-sonnet-4-5',
          usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 100 },
        },
      })}\n`;
    }
    appendFileSync(transcript, text);
    logLinesThisMinute += o.logLines;
  }, 1000);

  const minutes: Minute[] = [];
  let errorsThisMinute = 0;
  const started = performance.now();
  const sampler = setInterval(() => {
    const s = summarize(bucket);
    bucket = [];
    const mem = readMemory(agent.pid);
    const row: Minute = {
      minute: minutes.length + 1,
      n: s.n,
      p50: s.p50,
      p99: s.p99,
      max: s.max,
      errors: errorsThisMinute,
      rssMb: mem.vmRss / 1024,
      privateMb: (mem.privateClean + mem.privateDirty) / 1024,
      logLines: logLinesThisMinute,
    };
    errorsThisMinute = 0;
    logLinesThisMinute = 0;
    minutes.push(row);
    log(
      `  min ${String(row.minute).padStart(2)}: n=${int(row.n)} p50 ${fmt(row.p50)} p99 ${fmt(row.p99)} ` +
        `max ${fmt(row.max)} ms; errors ${row.errors}; RSS ${fmt(row.rssMb, 1)} MB, private ${fmt(row.privateMb, 1)} MB; ` +
        `log lines ${row.logLines}`,
    );
  }, 60_000);

  let failedBefore = 0;
  const load = pacedLoad({
    port: agent.port,
    rate: o.rate,
    sessions: o.sessions,
    batch: o.batch,
    durationMs: o.minutes * 60_000,
    onSend: (s, n, at) => {
      let p = pending.get(s.sessionId);
      if (p === undefined) {
        p = { q: [], head: 0 };
        pending.set(s.sessionId, p);
      }
      p.q.push({ n, t0: at });
    },
  });
  const errorPoll = setInterval(() => {
    // pacedLoad counts failures in its result only at the end; the agent's own counter is live.
    void fetch(`${agent.url}/api/stats`)
      .then((r) => r.json() as Promise<{ otlp_http: { rejected: Record<string, number> } }>)
      .then((s) => {
        const total = Object.values(s.otlp_http.rejected).reduce((a, b) => a + b, 0);
        errorsThisMinute += total - failedBefore;
        failedBefore = total;
      })
      .catch(() => undefined);
  }, 5000);
  const result = await load;
  clearInterval(appender);
  clearInterval(errorPoll);
  clearInterval(sampler);
  await new Promise((r) => setTimeout(r, 2000));
  await watch.stop();
  await agent.stop();

  const worstP99 = Math.max(0, ...minutes.map((m) => m.p99));
  const base = minutes[1] ?? minutes[0];
  const last = minutes.at(-1);
  const growth = base !== undefined && last !== undefined ? last.privateMb / base.privateMb - 1 : 0;
  const failed = Object.values(result.failed).reduce((a, b) => a + b, 0);
  const ok = failed === 0 && worstP99 < 50 && growth < 0.2;
  log(
    `total: ${int(result.requests)} requests, ${int(result.records)} records in ${fmt(
      (performance.now() - started) / 60_000,
      1,
    )} min; error responses ${failed}${failed > 0 ? ` ${JSON.stringify(result.failed)}` : ''}; ` +
      `transcript lines ${int(lineSeq)}`,
  );
  log(
    `worst minute p99 ${fmt(worstP99)} ms (goal < 50); private memory minute 2 → last: ` +
      `${fmt(base?.privateMb ?? 0, 1)} → ${fmt(last?.privateMb ?? 0, 1)} MB (${fmt(growth * 100, 1)} %); ` +
      `goals ${ok ? 'met' : 'NOT met'}`,
  );
  return { minutes, ok };
}

if (import.meta.main) {
  const f = numberFlags({
    minutes: 30,
    rate: 2000,
    sessions: 200,
    batch: 10,
    'log-lines': 20,
    build: 'dist',
    out: '',
  });
  if (f.minutes <= 0 || f.minutes > 240) throw new Error('--minutes: 1..240');
  if (f.rate <= 0 || f.rate > 20_000) throw new Error('--rate: 1..20000 records/s');
  const r = await runSoak({
    minutes: f.minutes,
    rate: f.rate,
    sessions: f.sessions,
    batch: f.batch,
    logLines: f['log-lines'],
    build: f.build === 'ts' ? 'ts' : 'dist',
    ...(f.out !== '' && { out: f.out }),
  });
  process.exitCode = r.ok ? 0 : 1;
}
