// Browser history → time on AI sites and visit counts. Every profile of every browser found is
// read from where its cursor stopped (the last visit id, persisted with the counts in one
// commit), so visits made while the agent was down are counted once on the next start. A file
// whose size and time did not change is not even copied. Only domains are stored.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivityCount, ActivityInterval } from '../../domain/activity/intervals.ts';
import type { SiteIndex } from '../../domain/activity/sites.ts';
import {
  coalesce,
  type LastVisits,
  MIN_DWELL_MS,
  visitActivity,
} from '../../domain/activity/visits.ts';
import type { ActivityStore } from '../../store/types.ts';
import { type BrowserFamily, historyFileName, historyRoots } from './paths.ts';
import { HistoryCopy } from './read.ts';

export interface HistoryFile {
  browser: string;
  family: BrowserFamily;
  profile: string;
  path: string;
}

interface Stamp {
  size: number;
  mtimeMs: number;
  wal: number;
  walMtimeMs: number;
}

interface CursorState {
  lastId: number;
  /** The newest visit time read: a cleared history (ids from 1 again) resumes after it. */
  lastTs: number;
  last: LastVisits;
  stamp: Stamp;
}

function stampOf(path: string): Stamp {
  const st = statSync(path);
  let wal = 0;
  let walMtimeMs = 0;
  try {
    const w = statSync(`${path}-wal`);
    wal = w.size;
    walMtimeMs = w.mtimeMs;
  } catch {
    // No WAL (a rollback-journal database, or checkpointed).
  }
  return { size: st.size, mtimeMs: st.mtimeMs, wal, walMtimeMs };
}

const sameStamp = (a: Stamp, b: Stamp) =>
  a.size === b.size && a.mtimeMs === b.mtimeMs && a.wal === b.wal && a.walMtimeMs === b.walMtimeMs;

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
}

/** Every history database under the roots of this OS. */
export function findHistoryFiles(
  platform: NodeJS.Platform,
  home: string,
  env: NodeJS.ProcessEnv,
): HistoryFile[] {
  const arc =
    platform === 'win32'
      ? subdirs(join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'Packages')).filter((d) =>
          d.startsWith('TheBrowserCompany.Arc'),
        )
      : [];
  const out: HistoryFile[] = [];
  const seen = new Set<string>();
  const add = (f: HistoryFile) => {
    if (seen.has(f.path) || !existsSync(f.path)) return;
    seen.add(f.path);
    out.push(f);
  };
  for (const root of historyRoots(platform, home, env, arc)) {
    const name = historyFileName(root.family);
    if (root.family === 'safari') {
      add({ ...root, profile: 'default', path: join(root.dir, name) });
      continue;
    }
    // Opera keeps its history in the root itself; the others one folder per profile.
    add({ ...root, profile: 'default', path: join(root.dir, name) });
    for (const d of subdirs(root.dir)) add({ ...root, profile: d, path: join(root.dir, d, name) });
  }
  return out;
}

export interface HistoryScanResult {
  files: number;
  /** Files read this time (the others had not changed). */
  read: number;
  visits: number;
  matched: number;
  errors: Array<{ path: string; message: string }>;
}

export interface BrowserHistoryOptions {
  files: () => HistoryFile[];
  sites: () => SiteIndex;
  gapMs: number;
  /** Between chunks of a long read (the agent lets requests through). */
  pause?: () => Promise<void>;
}

export class BrowserHistorySource {
  readonly #opts: BrowserHistoryOptions;

  constructor(opts: BrowserHistoryOptions) {
    this.#opts = opts;
  }

  async scan(store: ActivityStore): Promise<HistoryScanResult> {
    const files = this.#opts.files();
    const result: HistoryScanResult = {
      files: files.length,
      read: 0,
      visits: 0,
      matched: 0,
      errors: [],
    };
    for (const f of files) {
      try {
        const r = await this.#scanFile(f, store);
        if (r !== undefined) {
          result.read++;
          result.visits += r.visits;
          result.matched += r.matched;
        }
      } catch (err) {
        result.errors.push({ path: f.path, message: (err as Error).message.split('\n')[0]! });
      }
    }
    return result;
  }

  async #scanFile(
    f: HistoryFile,
    store: ActivityStore,
  ): Promise<{ visits: number; matched: number } | undefined> {
    const key = `history:${f.path}`;
    const saved = store.activityCursor(key);
    const cursor: CursorState | undefined =
      saved === undefined ? undefined : (JSON.parse(saved) as CursorState);
    const stamp = stampOf(f.path);
    if (cursor !== undefined && sameStamp(cursor.stamp, stamp)) return undefined;
    const copy = new HistoryCopy(f.path, f.family);
    try {
      let afterId = cursor?.lastId ?? 0;
      let minTs = Number.NEGATIVE_INFINITY;
      if (cursor !== undefined && copy.maxId() < cursor.lastId) {
        // Cleared or replaced: ids start again; what is older than the last read was counted.
        afterId = 0;
        minTs = cursor.lastTs;
      }
      const sites = this.#opts.sites();
      let last: LastVisits = cursor?.last ?? {};
      let lastId = afterId;
      let lastTs = cursor?.lastTs ?? Number.NEGATIVE_INFINITY;
      let visits = 0;
      let matched = 0;
      const intervals: ActivityInterval[] = [];
      const counts = new Map<string, ActivityCount>();
      for (const chunk of copy.visits(afterId)) {
        const fresh =
          minTs === Number.NEGATIVE_INFINITY
            ? chunk.visits
            : chunk.visits.filter((v) => v.ts > minTs);
        const r = visitActivity(fresh, sites, last, {
          gapMs: this.#opts.gapMs,
          minDwellMs: MIN_DWELL_MS,
          source: 'history',
        });
        last = r.last;
        visits += fresh.length;
        matched += r.matched;
        lastId = chunk.lastId;
        for (const v of fresh) if (v.ts > lastTs) lastTs = v.ts;
        intervals.push(...r.intervals);
        for (const c of r.counts) {
          const k = `${c.bucket}\u0000${c.subject}`;
          const prev = counts.get(k);
          if (prev === undefined) counts.set(k, c);
          else prev.visits += c.visits;
        }
        if (this.#opts.pause !== undefined && chunk.visits.length > 0) await this.#opts.pause();
      }
      const state: CursorState = {
        lastId,
        lastTs: Number.isFinite(lastTs) ? lastTs : 0,
        last,
        stamp,
      };
      store.commitActivity({
        intervals: coalesce(intervals),
        counts: [...counts.values()],
        cursors: [{ source: key, state: JSON.stringify(state) }],
      });
      return { visits, matched };
    } finally {
      copy.close();
    }
  }
}
