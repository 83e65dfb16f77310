// Property-based tests over every decoder and parser the agent feeds outside input to: OTLP
// protobuf and JSON for the three signals (down to the live monitor), hook payloads, the three
// transcript formats, shell history, browser history rows (through a real SQLite file) and the
// config file. Each property says what a bad input may do: be rejected with the module's own
// error (which the HTTP layer answers as a 4xx) or be counted as a skip — never anything else.
// The runs add up to more than 100,000 cases (FUZZ_SCALE multiplies them).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fromJson, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadCatalog } from '../../src/catalog/load.ts';
import { loadConfig } from '../../src/config/load.ts';
import {
  buildConfig,
  ConfigError,
  DEFAULTS,
  flattenDocument,
  SCHEMA,
} from '../../src/config/schema.ts';
import { LiveMonitor } from '../../src/daemon/monitor.ts';
import { hostAndPath, siteIndex } from '../../src/domain/activity/sites.ts';
import {
  commandEntries,
  parseHistory,
  SHELL_FORMATS,
  shellIndex,
} from '../../src/domain/activity/shell.ts';
import { MIN_DWELL_MS, visitActivity } from '../../src/domain/activity/visits.ts';
import type { UsageEvent } from '../../src/domain/events.ts';
import { HookPayloadError } from '../../src/domain/normalize/hooks.ts';
import { DEFAULT_TIMINGS } from '../../src/domain/sessions.ts';
import { decodeExport, OtlpDecodeError, REQUEST_SCHEMAS } from '../../src/ingest/otlp/decode.ts';
import type { OtlpSignal } from '../../src/ingest/otlp/sink.ts';
import { HistoryCopy } from '../../src/sources/browser-history/read.ts';
import { claudeCodeFormat } from '../../src/sources/claude-code/format.ts';
import { codexFormat } from '../../src/sources/codex/format.ts';
import { geminiCliFormat } from '../../src/sources/gemini-cli/format.ts';
import type { LogFormat, ParsedLine } from '../../src/sources/types.ts';
import type { FocusedWindow } from '../../src/sources/foreground/parse.ts';
import {
  parseHyprctl,
  parseOsascript,
  parseSwayTree,
  parseWindowsForeground,
  parseXpropActive,
  parseXpropWindow,
} from '../../src/sources/foreground/parse.ts';
import {
  parseCmdline,
  parsePsDarwin,
  parsePsLinux,
  parseProcStat,
  parseWin32Processes,
  parseWslList,
  splitWindowsCommandLine,
} from '../../src/sources/processes/parse.ts';
import { sqlite } from '../../src/store/sqlite/driver.ts';
import {
  claudeHookPayload,
  claudeLine,
  codexLine,
  codexNotifyPayload,
  geminiLine,
  junk,
  mostly,
  mutate,
  mutation,
  OTLP_JSON,
  runs,
} from '../support/fuzz.ts';

const SIGNALS: OtlpSignal[] = ['logs', 'metrics', 'traces'];
const enc = new TextEncoder();

let total = 0;
function check<T>(name: string, arb: fc.Arbitrary<T>, numRuns: number, prop: (v: T) => void) {
  const n = runs(numRuns);
  total += n;
  const seed = seedFor(name);
  fc.assert(fc.property(arb, prop), { numRuns: n, ...(seed !== undefined && { seed }) });
}
/** A fixed seed per property unless FUZZ_SEED asks for a fresh search (printed on failure). */
function seedFor(name: string): number | undefined {
  if (process.env.FUZZ_SEED === 'random') return undefined;
  let h = Number(process.env.FUZZ_SEED ?? 0) | 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return h;
}

/** A live monitor whose billed requests are checked as they come out. */
function monitor(): LiveMonitor {
  const m = new LiveMonitor({ timings: DEFAULT_TIMINGS, maxSessions: 64 });
  m.onUsage((events) => {
    for (const e of events) checkUsage(e);
  });
  return m;
}

/** Decodes and hands the result to a live monitor, as the receiver does. */
function receive(
  m: LiveMonitor,
  signal: OtlpSignal,
  body: Uint8Array,
  format: 'json' | 'protobuf',
) {
  let decoded: ReturnType<typeof decodeExport>;
  try {
    decoded = decodeExport(signal, body, format);
  } catch (err) {
    if (!(err instanceof OtlpDecodeError)) throw err;
    assert.ok(err.message.length > 10, 'the error says what was wrong');
    return 'rejected';
  }
  if (decoded.signal === 'logs') {
    for (const r of decoded.records) assert.ok(Number.isFinite(r.timeMs));
    m.logs(decoded.records);
  } else if (decoded.signal === 'metrics') {
    for (const p of decoded.points) assert.ok(Number.isFinite(p.timeMs));
    m.metrics(decoded.points);
  } else m.traces(decoded.spans);
  return 'accepted';
}

describe('OTLP decoders', () => {
  for (const signal of SIGNALS) {
    test(`${signal}: generated OTLP/JSON is decoded or rejected with OtlpDecodeError`, () => {
      const m = monitor();
      const seen = { accepted: 0, rejected: 0 };
      check(`json-${signal}`, OTLP_JSON[signal], 8000, (doc) => {
        seen[receive(m, signal, enc.encode(JSON.stringify(doc)), 'json')]++;
      });
      m.close();
      // Both sides are reached: the generator is not all junk, nor all valid.
      assert.ok(seen.accepted > 1000 && seen.rejected > 500, JSON.stringify(seen));
      assert.ok(m.sessionCount <= 64);
    });

    test(`${signal}: damaged protobuf is decoded or rejected with OtlpDecodeError`, () => {
      const m = monitor();
      const schema = REQUEST_SCHEMAS[signal];
      check(
        `pb-${signal}`,
        fc.tuple(OTLP_JSON[signal], fc.array(mutation, { maxLength: 3 })),
        8000,
        ([doc, muts]) => {
          let bytes: Uint8Array;
          try {
            bytes = toBinary(schema, fromJson(schema, doc as never, { ignoreUnknownFields: true }));
          } catch {
            bytes = enc.encode(JSON.stringify(doc)); // not a message: its text as bytes
          }
          receive(m, signal, mutate(bytes, muts), 'protobuf');
        },
      );
      m.close();
    });

    test(`${signal}: random bytes in either encoding`, () => {
      const m = monitor();
      check(
        `bytes-${signal}`,
        fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.boolean()),
        4000,
        ([bytes, json]) => void receive(m, signal, bytes, json ? 'json' : 'protobuf'),
      );
      m.close();
    });
  }
});

describe('hook payloads', () => {
  for (const [tool, arb] of [
    ['claude', claudeHookPayload],
    ['codex', codexNotifyPayload],
  ] as const) {
    test(`${tool}: a payload is a signal, nothing, or a HookPayloadError`, () => {
      const m = monitor();
      let rejected = 0;
      check(`hook-${tool}`, arb, 8000, (payload) => {
        const before = m.stats.hooks;
        try {
          m.hook(tool, payload);
        } catch (err) {
          if (!(err instanceof HookPayloadError)) throw err;
          assert.equal(m.stats.hooks, before, 'a rejected hook is not counted');
          rejected++;
        }
      });
      m.close();
      assert.ok(rejected > 100);
    });
  }
});

function checkUsage(e: UsageEvent): void {
  assert.ok(Number.isFinite(e.ts), 'finite time');
  assert.ok(e.key !== '' && e.sessionId !== '', 'key and session');
  for (const [k, v] of Object.entries(e.tokens)) {
    assert.ok(Number.isSafeInteger(v) && v >= 0, `tokens.${k} = ${v}`);
  }
  if (e.costUsd !== undefined) assert.ok(Number.isFinite(e.costUsd) && e.costUsd >= 0);
}

describe('transcript formats', () => {
  const formats: Array<[string, LogFormat<unknown>, fc.Arbitrary<string>, string]> = [
    ['claude-code', claudeCodeFormat as LogFormat<unknown>, claudeLine, 'projects/-w-p/s1.jsonl'],
    [
      'codex',
      codexFormat as LogFormat<unknown>,
      codexLine,
      '2026/01/02/rollout-2026-01-02T00-00-00-0199a213-81c0-7800-8aa1-bbab2a035a53.jsonl',
    ],
    ['gemini-cli', geminiCliFormat as LogFormat<unknown>, geminiLine, 'p1/chats/session-x.jsonl'],
  ];
  for (const [name, format, line, rel] of formats) {
    test(`${name}: any line is usage, ignored or a counted malformed line; state stays JSON`, () => {
      const kinds: Record<ParsedLine['kind'], number> = { usage: 0, ignored: 0, malformed: 0 };
      check(`log-${name}`, fc.array(line, { minLength: 1, maxLength: 6 }), 3500, (lines) => {
        let state = format.initialState({ path: `/root/${rel}`, root: '/root' });
        for (const l of lines) {
          const out = format.parseLine(l, state);
          kinds[out.result.kind]++;
          if (out.result.kind === 'usage') checkUsage(out.result.event);
          if (out.result.kind === 'malformed') assert.ok(out.result.reason.length > 0);
          if (out.state !== undefined) {
            assert.deepEqual(JSON.parse(JSON.stringify(out.state)), out.state);
            state = out.state;
          }
          // The marked fast path agrees with the plain one.
          if (format.parseMarkedLine !== undefined && format.billingMarker !== undefined) {
            if (l.includes(format.billingMarker)) {
              assert.deepEqual(format.parseMarkedLine(l, state), format.parseLine(l, state));
            }
          }
        }
      });
      assert.ok(kinds.usage > 20 && kinds.malformed > 100, JSON.stringify(kinds));
    });
  }
});

describe('shell history', () => {
  const catalog = loadCatalog();
  const index = shellIndex(catalog);
  // Latin-1 text as the source reads it, with the characters the formats care about common.
  const latin1 = fc.string({
    unit: fc.oneof(
      fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('\n', '\\', '`', ':', ';', '#', '- cmd: ', '  when: ', ': 1700000000:0;'),
      fc.constantFrom('claude ', 'codex ', 'gemini ', '| ', '&& ', '\x83'),
    ),
    maxLength: 80,
  });
  for (const format of SHELL_FORMATS) {
    test(`${format}: entries end inside what was consumed; a resumed read agrees`, () => {
      check(`shell-${format}`, fc.tuple(latin1, latin1), 2500, ([a, b]) => {
        const text = a + b;
        const whole = parseHistory(format, text);
        assert.ok(whole.consumed >= 0 && whole.consumed <= text.length);
        let prev = 0;
        for (const e of whole.entries) {
          assert.ok(e.end > prev && e.end <= whole.consumed, 'entries in order');
          prev = e.end;
          if (e.ts !== undefined) assert.ok(Number.isFinite(e.ts));
          for (const entry of commandEntries(e.command, index)) assert.equal(entry.kind, 'cli');
        }
        // Reading the first part, then the rest from where it stopped, finds the same entries.
        const first = parseHistory(format, a);
        const rest = parseHistory(format, text.slice(first.consumed));
        const resumed = [
          ...first.entries,
          ...rest.entries.map((e) => ({ ...e, end: e.end + first.consumed })),
        ];
        assert.deepEqual(
          resumed.map((e) => e.command),
          whole.entries.map((e) => e.command),
        );
      });
    });
  }
});

describe('browser history', () => {
  const index = siteIndex(loadCatalog());
  const url = fc.oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc
      .tuple(
        fc.constantFrom('https://', 'http://', 'HTTPS://', 'ftp://', ''),
        fc.constantFrom(
          'chatgpt.com',
          'www.claude.ai',
          'gemini.google.com',
          'x.chatgpt.com.',
          'user@claude.ai:8443',
          '[::1]',
        ),
        fc.string({ maxLength: 12 }),
      )
      .map(([s, h, p]) => s + h + p),
    fc.string({ maxLength: 30 }),
  );
  const visit = fc.record({
    ts: fc.oneof(fc.double(), fc.integer({ min: 0, max: 4_102_444_800_000 })),
    url,
    durationMs: fc.oneof(fc.double(), fc.nat()),
  });

  test('URLs: host and path or nothing; never throws', () => {
    check('urls', url, 6000, (u) => {
      const hp = hostAndPath(u);
      if (hp !== undefined) assert.equal(hp.host, hp.host.toLowerCase());
    });
  });

  test('visits: any row gives intervals with finite ends, start before end', () => {
    check('visits', fc.array(visit, { maxLength: 8 }), 4000, (visits) => {
      const r = visitActivity(
        visits,
        index,
        {},
        { gapMs: 1_800_000, minDwellMs: MIN_DWELL_MS, source: 'history' },
      );
      for (const iv of r.intervals) {
        assert.ok(Number.isFinite(iv.start) && Number.isFinite(iv.end), JSON.stringify(iv));
        assert.ok(iv.start <= iv.end);
      }
      for (const c of r.counts) assert.ok(Number.isFinite(c.bucket));
      for (const t of Object.values(r.last)) assert.ok(Number.isFinite(t));
    });
  });

  test('history files: rows of any SQLite type are read without a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aio-fuzz-history-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const cell = fc.oneof(
      fc.integer({ min: -(2 ** 40), max: 2 ** 52 }),
      fc.double({ noNaN: true }),
      fc.string({ maxLength: 8 }),
      fc.constant(null),
      fc.uint8Array({ maxLength: 4 }),
    );
    const row = fc.record({
      time: cell,
      duration: cell,
      transition: cell,
      url: fc.oneof(url, cell),
    });
    let n = 0;
    check('history-db', fc.array(row, { maxLength: 20 }), 150, (rows) => {
      const file = join(dir, `History-${n++}`);
      const db = new (sqlite().DatabaseSync)(file);
      db.exec(`CREATE TABLE urls (id INTEGER PRIMARY KEY, url);
        CREATE TABLE visits (id INTEGER PRIMARY KEY, url, visit_time, visit_duration, transition);`);
      const addUrl = db.prepare('INSERT INTO urls (id, url) VALUES (?, ?)');
      const addVisit = db.prepare(
        'INSERT INTO visits (url, visit_time, visit_duration, transition) VALUES (?, ?, ?, ?)',
      );
      rows.forEach((r, i) => {
        addUrl.run(i + 1, r.url as never);
        addVisit.run(i + 1, r.time as never, r.duration as never, r.transition as never);
      });
      db.close();
      const copy = new HistoryCopy(file, 'chromium');
      try {
        for (const chunk of copy.visits(0)) {
          for (const v of chunk.visits) {
            assert.equal(typeof v.url, 'string');
            assert.ok(Number.isFinite(v.ts) && Number.isFinite(v.durationMs), JSON.stringify(v));
          }
          const r = visitActivity(
            chunk.visits,
            index,
            {},
            { gapMs: 1_800_000, minDwellMs: MIN_DWELL_MS, source: 'history' },
          );
          for (const iv of r.intervals) assert.ok(Number.isFinite(iv.start) && iv.start <= iv.end);
        }
      } finally {
        copy.close();
        rmSync(file, { force: true });
      }
    });
  });
});

describe('config files', () => {
  const keys = Object.keys(SCHEMA);
  const value = fc.oneof(
    junk,
    fc.constantFrom(...Object.values(DEFAULTS).filter((v) => typeof v !== 'object')),
    fc.constantFrom(
      '10s',
      '1m',
      '-5s',
      '1 MB',
      '20MiB',
      '0',
      'true',
      'no',
      '127.0.0.1',
      '0.0.0.0',
      'grpc',
      'Europe/Paris',
      'Mars/Base',
    ),
    fc.string({ maxLength: 10 }),
  );
  const doc = fc.oneof(
    { weight: 1, arbitrary: junk },
    {
      weight: 6,
      arbitrary: fc
        .array(fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), value), {
          maxLength: 6,
        })
        .map((pairs) => {
          const out: Record<string, unknown> = {};
          for (const [k, v] of pairs) {
            const parts = k.split('.');
            let o = out;
            for (const p of parts.slice(0, -1)) {
              if (typeof o[p] !== 'object' || o[p] === null) o[p] = {};
              o = o[p] as Record<string, unknown>;
            }
            o[parts.at(-1)!] = v;
          }
          return out;
        }),
    },
  );

  test('documents: a valid config or one ConfigError naming the key', () => {
    let valid = 0;
    check('config-doc', doc, 6000, (d) => {
      try {
        buildConfig([flattenDocument(JSON.parse(JSON.stringify(d ?? null)), 'config.yaml')]);
        valid++;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        assert.ok(!err.message.includes('\n'), 'one line');
        assert.match(err.message, /config|unknown|invalid/i);
      }
    });
    assert.ok(valid > 100);
  });

  test('files: any text, YAML or not, is loaded or refused with ConfigError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aio-fuzz-config-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'config.yaml');
    const text = fc.oneof(
      doc.map((d) => stringify(d)),
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        'a: &x [*x]',
        '!!js/function "x"',
        'server: {host: [',
        '\t- x',
        '%YAML 9.9\n---',
        'a: b: c',
      ),
    );
    check('config-file', text, 1200, (t) => {
      writeFileSync(file, t);
      try {
        loadConfig(file, {});
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
      }
    });
  });
});

describe('desktop and process tool output', () => {
  // What swaymsg, hyprctl, xprop, osascript, PowerShell and ps print: read as text the tools
  // wrote, so any JSON they hold may be of any shape. A parser returns a well-typed result or
  // throws a SyntaxError for text that is not JSON at all; the source logs it once.
  const window = (w: FocusedWindow | undefined) => {
    if (w === undefined) return;
    assert.equal(typeof w.className, 'string', JSON.stringify(w));
    assert.ok(w.pid === undefined || (Number.isInteger(w.pid) && w.pid > 0), JSON.stringify(w));
  };
  const jsonish = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc
      .record(
        {
          focused: mostly(fc.boolean()),
          pid: mostly(fc.integer()),
          app_id: mostly(fc.string({ maxLength: 6 })),
          class: mostly(fc.string({ maxLength: 6 })),
          window_properties: mostly(fc.record({ class: mostly(fc.string({ maxLength: 6 })) })),
          nodes: mostly(
            fc.array(fc.record({ focused: mostly(fc.boolean()), pid: junk, app_id: junk }), {
              maxLength: 3,
            }),
          ),
          floating_nodes: junk,
          p: junk,
          c: mostly(fc.string({ maxLength: 20 })),
          e: junk,
          n: junk,
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
    fc.string({ maxLength: 30 }),
  );
  const parsers: Array<[string, (text: string) => void]> = [
    ['sway', (t) => window(parseSwayTree(t))],
    ['hyprctl', (t) => window(parseHyprctl(t))],
    ['xprop', (t) => void parseXpropActive(t)],
    ['xprop window', (t) => window(parseXpropWindow(t))],
    ['osascript', (t) => window(parseOsascript(t))],
    ['windows foreground', (t) => window(parseWindowsForeground(t))],
    [
      'win32 processes',
      (t) => {
        for (const p of parseWin32Processes(t)) {
          assert.ok(Number.isInteger(p.info.pid) && p.info.pid > 0);
          assert.ok(p.info.argv.every((a) => typeof a === 'string'));
          assert.ok(Number.isFinite(p.cpuSeconds));
        }
      },
    ],
    ['proc stat', (t) => void parseProcStat(t)],
    ['cmdline', (t) => assert.ok(parseCmdline(t).every((a) => typeof a === 'string'))],
    ['ps linux', (t) => void parsePsLinux(t, 'host')],
    ['ps darwin', (t) => void parsePsDarwin(t, t)],
    ['windows command line', (t) => void splitWindowsCommandLine(t)],
    ['wsl list', (t) => void parseWslList(Buffer.from(t, 'utf16le'))],
  ];
  for (const [name, parse] of parsers) {
    test(`${name}: a typed result, or a SyntaxError for text that is not JSON`, () => {
      check(`tool-${name}`, jsonish, 800, (text) => {
        try {
          parse(text);
        } catch (err) {
          if (!(err instanceof SyntaxError)) throw err;
        }
      });
    });
  }
});

describe('what the properties found (kept as named cases)', () => {
  test('a token count above any context window is not a count (logs and telemetry)', () => {
    const huge = 2 ** 53;
    const claude = claudeCodeFormat.parseLine(
      JSON.stringify({
        type: 'assistant',
        timestamp: '2026-01-01T00:00:00Z',
        message: { usage: { input_tokens: 5, cache_read_input_tokens: huge } },
      }),
      { sessionId: 's', folder: null },
    ).result;
    assert.equal(claude.kind, 'usage');
    if (claude.kind === 'usage')
      assert.deepEqual([claude.event.tokens.input, claude.event.tokens.cacheRead], [5, 0]);
    const m = monitor();
    const events: UsageEvent[] = [];
    m.onUsage((e) => events.push(...e));
    const body = JSON.stringify({
      resourceLogs: [
        {
          resource: {
            attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }],
          },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1767225600000000000',
                  attributes: [
                    { key: 'event.name', value: { stringValue: 'api_request' } },
                    { key: 'session.id', value: { stringValue: 's-huge' } },
                    { key: 'input_tokens', value: { stringValue: '1e300' } },
                    { key: 'output_tokens', value: { intValue: '7' } },
                    { key: 'cache_creation_5m_tokens', value: { intValue: String(huge) } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    receive(m, 'logs', enc.encode(body), 'json');
    m.close();
    assert.equal(events.length, 1);
    assert.deepEqual(
      [events[0]!.tokens.input, events[0]!.tokens.output, events[0]!.tokens.cacheWrite5m],
      [0, 7, 0],
    );
  });

  test('a history row whose time or duration is not a number: skipped, or no duration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aio-history-row-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'History');
    const db = new (sqlite().DatabaseSync)(file);
    db.exec(`CREATE TABLE urls (id INTEGER PRIMARY KEY, url);
      CREATE TABLE visits (id INTEGER PRIMARY KEY, url, visit_time, visit_duration, transition);
      INSERT INTO urls VALUES (1, 'https://chatgpt.com/c/1');
      INSERT INTO visits VALUES (1, 1, 13400000000000000, ':', 0), (2, 1, NULL, 5, 0);`);
    db.close();
    const copy = new HistoryCopy(file, 'chromium');
    const visits = [...copy.visits(0)].flatMap((c) => c.visits);
    copy.close();
    assert.equal(visits.length, 1, 'the row without a time is skipped');
    assert.equal(visits[0]!.durationMs, 0);
  });
});

// Last in the file: the properties above ran in order before it.
test('the properties above ran at least 100,000 cases', () => {
  console.log(`# property cases run: ${total}`);
  assert.ok(total >= 100_000 || process.env.FUZZ_SCALE !== undefined, `only ${total} cases`);
});
