// `ai-observer doctor`: what the ledger reads and what it found — each log source's
// directories, files, indexed lines and skipped (malformed) lines per file, the price table,
// models without a price, and whether an agent writes the ledger — each problem with a fix.

import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load.ts';
import { resolvePaths } from '../../config/paths.ts';
import { ledgerFile, lockFile } from '../../ledger/files.ts';
import { loadPricing } from '../../ledger/pricing.ts';
import { listFiles } from '../../sources/files/walk.ts';
import { logSources } from '../../sources/log-sources.ts';
import { SqliteLedger } from '../../store/sqlite/ledger.ts';
import type { Cursor } from '../../store/types.ts';
import { lockHolder } from '../../store/writer-lock.ts';

export const DOCTOR_HELP = `Usage: ai-observer doctor [--json]

Shows where ai-observer looks for each AI tool's logs, what the ledger has indexed from each
file (lines, requests, skipped malformed lines), the price table, models without a price and
whether an agent keeps the ledger current — with a one-line fix for each problem.`;

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
  if (existsSync(file)) {
    const store = new SqliteLedger(file, { readOnly: true });
    try {
      for (const c of store.cursors()) cursors.set(c.path, c);
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
  if (agentPid === undefined) {
    problems.push(
      'no agent keeps the ledger current — start it with `ai-observer serve` (reports index on demand meanwhile)',
    );
  }

  const result = {
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
  lines.push(
    `config   ${paths.configFile}${result.configFile.exists ? '' : ' (not present: defaults)'}`,
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
