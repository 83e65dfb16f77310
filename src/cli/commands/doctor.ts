// `ai-observer doctor`: what is set up and what arrives — each AI tool's settings (as `setup`
// writes them), whether the agent runs and what it has received from each tool and when, its
// ports, ai-observer's own dirs — and what the ledger reads: each log source's directories,
// files, indexed lines and skipped (malformed) lines per file, the price table, models without
// a price, and whether an agent writes the ledger. Each problem comes with a one-line fix.

import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load.ts';
import { resolvePaths } from '../../config/paths.ts';
import { ledgerFile, lockFile } from '../../ledger/files.ts';
import { loadPricing } from '../../ledger/pricing.ts';
import { pairingPath, readPairing } from '../../ingest/extension/pairing.ts';
import { dataDirProblems } from '../../ledger/data-dir.ts';
import { listFiles } from '../../sources/files/walk.ts';
import { logSources } from '../../sources/log-sources.ts';
import { SqliteLedger } from '../../store/sqlite/ledger.ts';
import type { Cursor, TakenSummary } from '../../store/types.ts';
import { lockHolder } from '../../store/writer-lock.ts';
import type { Tool } from '../../domain/events.ts';
import { SETUP_TOOLS, type SetupTool } from '../../domain/setup/target.ts';
import { toolFacingUrl } from '../../install/agent-address.ts';
import {
  type AgentStatus,
  agentStatus,
  checkDir,
  type DirCheck,
  ownDirs,
  portFree,
  type SetupStatus,
  setupStatus,
} from '../../install/checks.ts';
import { selfCommand } from '../../install/self-command.ts';
import { TOOL_NAMES } from '../../install/settings-files.ts';
import { agentHeaders } from '../agent-url.ts';

const TOOL_OF: Record<SetupTool, Tool> = {
  claude: 'claude-code',
  codex: 'codex',
  gemini: 'gemini-cli',
};

function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 90) return `${s}s ago`;
  if (s < 5400) return `${Math.round(s / 60)}m ago`;
  return `${(s / 3600).toFixed(1)}h ago`;
}

export const DOCTOR_HELP = `Usage: ai-observer doctor [--json]

Shows whether each AI tool is set up to report to the agent, whether the agent runs and what
it has received from each tool and when, its ports, the permissions of ai-observer's dirs,
where it looks for each tool's logs, what the ledger has indexed from each file (lines,
requests, skipped malformed lines), the price table, models without a price and whether an
agent keeps the ledger current — with a one-line fix for each problem.`;

interface SourceReport {
  tool: string;
  roots: Array<{ path: string; exists: boolean }>;
  files: number;
  indexedFiles: number;
  lines: number;
  requests: number;
  malformed: number;
  filesWithMalformed: Array<{ path: string; malformed: number; lines: number; lastReason: string }>;
}

export async function doctor(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(DOCTOR_HELP);
    return 0;
  }
  const env = process.env;
  const paths = resolvePaths(env);
  const config = loadConfig(paths.configFile, env);
  const file = ledgerFile(paths);
  const problems: string[] = [];

  const cursors = new Map<string, Cursor>();
  let unpriced: Array<{ tool: string; model: string; requests: number }> = [];
  let events = 0;
  let taken: TakenSummary[] = [];
  if (existsSync(file)) {
    const store = new SqliteLedger(file, { readOnly: true });
    try {
      for (const c of store.cursors()) cursors.set(c.path, c);
      taken = store.takenEvents().filter((t) => t.origin.startsWith('extension:'));
      const byModel = store.rollup({}, ['tool', 'model']);
      events = byModel.reduce((n, r) => n + r.requests, 0);
      unpriced = byModel
        .filter((r) => r.unpriced > 0)
        .map((r) => ({ tool: r.tool ?? '', model: r.model ?? '', requests: r.unpriced }));
    } finally {
      store.close();
    }
  }

  const sources: SourceReport[] = [];
  for (const s of logSources(config.ledger, env)) {
    const found = listFiles(s.format, s.roots);
    const report: SourceReport = {
      tool: s.format.tool,
      roots: s.roots.map((p) => ({ path: p, exists: existsSync(p) })),
      files: found.length,
      indexedFiles: 0,
      lines: 0,
      requests: 0,
      malformed: 0,
      filesWithMalformed: [],
    };
    for (const f of found) {
      const c = cursors.get(f.file.path);
      if (c === undefined) continue;
      report.indexedFiles++;
      report.lines += c.lines;
      report.requests += c.events;
      report.malformed += c.malformed;
      if (c.malformed > 0) {
        report.filesWithMalformed.push({
          path: c.path,
          malformed: c.malformed,
          lines: c.lines,
          lastReason: c.lastMalformed,
        });
      }
    }
    if (report.indexedFiles < report.files) {
      problems.push(
        `${report.files - report.indexedFiles} ${report.tool} log file(s) not indexed yet — run \`ai-observer report daily\` or start the agent`,
      );
    }
    sources.push(report);
  }

  let pricing: { id: string; error?: string } = { id: '' };
  try {
    pricing = { id: loadPricing(config, paths).id };
  } catch (err) {
    pricing = { id: '', error: (err as Error).message };
    problems.push(
      `price table: ${(err as Error).message} — fix pricing.overrides in ${paths.configFile}`,
    );
  }
  for (const u of unpriced) {
    problems.push(
      `${u.requests} ${u.tool} request(s) of model "${u.model}" have no price — run \`ai-observer prices update\` or add pricing.overrides."${u.model}" in ${paths.configFile}`,
    );
  }
  const agentPid = lockHolder(lockFile(paths));

  // What each tool is set up to send, and what the agent got.
  const url = toolFacingUrl(env);
  const target = { httpUrl: url, command: selfCommand() };
  const setup: Array<SetupStatus & { used: boolean }> = SETUP_TOOLS.map((t) => {
    const st = setupStatus(t, target, env);
    return { ...st, used: st.exists || existsSync(dirname(st.file)) };
  });
  for (const st of setup) {
    if (st.error !== null) {
      problems.push(`${st.error} — fix it, then run \`ai-observer setup ${st.tool}\``);
    } else if (st.used && !st.configured) {
      problems.push(
        `${TOOL_NAMES[st.tool]} does not report to the agent (${st.missing.join(', ')}) — run \`ai-observer setup ${st.tool}\``,
      );
    }
  }
  const agent: AgentStatus = await agentStatus(url, agentHeaders(env));
  const ports: Array<{ name: string; port: number; state: 'agent' | 'free' | 'taken' }> = [];
  if (agent.running) {
    ports.push({ name: 'server.port', port: config.server.port, state: 'agent' });
  } else {
    problems.push(
      `the agent is not running at ${url} (${agent.error}) — start it: \`ai-observer serve\`, or \`ai-observer service install\` to run it at login`,
    );
    const host = config.server.host;
    const wanted: Array<[string, number]> = [['server.port', config.server.port]];
    if (config.server.grpc) wanted.push(['server.grpcPort', config.server.grpcPort]);
    for (const [name, port] of wanted) {
      if (port === 0) continue;
      const free = await portFree(host, port);
      ports.push({ name, port, state: free ? 'free' : 'taken' });
      if (!free) {
        problems.push(
          `port ${port} on ${host} is taken by another program — set ${name} in ${paths.configFile}, then run \`ai-observer setup\` for your tools again`,
        );
      }
    }
  }
  // A stopped agent is reported above; a running one that does not write the ledger is odd.
  if (agent.running && agentPid === undefined && config.ledger.enabled) {
    problems.push(
      'the running agent does not keep the ledger current (another data dir?) — restart it with `ai-observer serve` under the same user and config',
    );
  }
  // A read-only or full data directory: live sessions go on, billed requests wait.
  problems.push(...dataDirProblems(paths));
  const dirs: DirCheck[] = ownDirs(paths).map((d) => checkDir(d));
  for (const d of dirs) if (d.problem !== null) problems.push(d.problem);
  if (config.server.token !== '' && existsSync(paths.configFile) && process.platform !== 'win32') {
    const mode = statSync(paths.configFile).mode & 0o777;
    if ((mode & 0o044) !== 0) {
      problems.push(
        `${paths.configFile} holds server.token and other users can read it — run \`chmod 600 ${paths.configFile}\``,
      );
    }
  }

  // The browser extension: paired, connected (its origin pinned), and what it delivered.
  const pairing = readPairing(pairingPath(paths.dataDir));
  const extension = {
    paired: pairing !== undefined,
    origin: pairing?.origin ?? null,
    browsers: taken.map((t) => ({
      browser: t.origin.slice('extension:'.length),
      events: t.events,
      lastAt: t.lastAt,
    })),
  };
  if (pairing !== undefined && pairing.origin === null) {
    problems.push(
      'the browser extension is paired but has not connected yet — enter the pairing code in its Options page (or run `ai-observer extension pair` for a new one)',
    );
  }

  const result = {
    setup,
    extension,
    agent,
    ports,
    dirs,
    configFile: { path: paths.configFile, exists: existsSync(paths.configFile) },
    ledger: {
      path: file,
      exists: existsSync(file),
      bytes: existsSync(file) ? statSync(file).size : 0,
      requests: events,
      writerPid: agentPid ?? null,
    },
    pricing,
    sources,
    unpricedModels: unpriced,
    problems,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const lines: string[] = [];
  const now = Date.now();
  lines.push('setup');
  for (const st of setup) {
    const state =
      st.error !== null
        ? `✗ ${st.error}`
        : st.configured
          ? '✓ reports to the agent'
          : st.used
            ? `✗ not set up (${st.missing.join(', ')})`
            : '· not used here';
    lines.push(`  ${TOOL_NAMES[st.tool].padEnd(12)} ${st.file} ${state}`);
  }
  lines.push(
    `\nagent    ${url} ${agent.running ? `running (version ${agent.version}, up ${agent.uptimeS}s)` : `not running (${agent.error})`}`,
  );
  if (agent.running) {
    for (const st of setup) {
      const r = agent.received[TOOL_OF[st.tool]];
      const got =
        r === undefined || r.lastAt === null
          ? st.configured
            ? 'nothing yet since the agent started — use the tool once (it reads its settings when it starts)'
            : 'nothing'
          : `${r.logRecords} log records, ${r.metricPoints} metric points, ${r.spans} spans, ${r.hooks} hooks; last ${ago(r.lastAt, now)}`;
      lines.push(`  ${TOOL_NAMES[st.tool].padEnd(12)} ${got}`);
    }
  }
  for (const p of ports)
    lines.push(`  ${p.name} ${p.port}: ${p.state === 'agent' ? 'the agent' : p.state}`);
  lines.push(
    `\nextension ${
      !extension.paired
        ? 'not paired (optional: `ai-observer extension pair`)'
        : extension.origin === null
          ? 'paired, not connected yet'
          : `paired with ${extension.origin}`
    }`,
  );
  for (const b of extension.browsers) {
    lines.push(`  ${b.browser.padEnd(12)} ${b.events} events; last ${ago(b.lastAt, now)}`);
  }
  for (const d of dirs) {
    const mode = d.mode === null ? '' : ` (mode ${d.mode.toString(8)})`;
    lines.push(
      `dir      ${d.path}${d.exists ? mode : ' (not created yet)'}${d.problem ? ' ✗' : ''}`,
    );
  }
  lines.push(
    `\nconfig   ${paths.configFile}${result.configFile.exists ? '' : ' (not present: defaults)'}`,
  );
  lines.push(
    `ledger   ${file} — ${events} requests, ${(result.ledger.bytes / 1e6).toFixed(1)} MB${agentPid !== undefined ? `, written by the agent (pid ${agentPid})` : ''}`,
  );
  lines.push(`prices   ${pricing.error ?? pricing.id}`);
  for (const s of sources) {
    lines.push(`\n${s.tool}`);
    for (const r of s.roots)
      lines.push(`  ${r.exists ? '✓' : '·'} ${r.path}${r.exists ? '' : ' (not present)'}`);
    lines.push(
      `  ${s.files} files, ${s.indexedFiles} indexed: ${s.lines} lines, ${s.requests} with usage, ${s.malformed} malformed lines skipped`,
    );
    for (const f of s.filesWithMalformed) {
      lines.push(
        `  ! ${f.path}: ${f.malformed} of ${f.lines} lines skipped (last: ${f.lastReason})`,
      );
    }
  }
  lines.push(
    problems.length === 0
      ? '\nNo problems found.'
      : `\nProblems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
