// Browser history databases with each browser's own schema (the tables and columns the
// browsers create), written with node:sqlite: Chromium's urls/visits (µs since 1601), Firefox's
// moz_places/moz_historyvisits (µs since 1970), Safari's history_items/history_visits (seconds
// since 2001). For tests and the history benchmark.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Database, sqlite } from '../../src/store/sqlite/driver.ts';

export type Family = 'chromium' | 'firefox' | 'safari';

const SCHEMA: Record<Family, string> = {
  chromium: `
    CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
    CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT,url LONGVARCHAR,title LONGVARCHAR,
      visit_count INTEGER DEFAULT 0 NOT NULL,typed_count INTEGER DEFAULT 0 NOT NULL,
      last_visit_time INTEGER NOT NULL,hidden INTEGER DEFAULT 0 NOT NULL);
    CREATE TABLE visits(id INTEGER PRIMARY KEY AUTOINCREMENT,url INTEGER NOT NULL,
      visit_time INTEGER NOT NULL,from_visit INTEGER,external_referrer_url TEXT,
      transition INTEGER DEFAULT 0 NOT NULL,segment_id INTEGER,
      visit_duration INTEGER DEFAULT 0 NOT NULL,
      incremented_omnibox_typed_score BOOLEAN DEFAULT FALSE NOT NULL,opener_visit INTEGER,
      originator_cache_guid TEXT,originator_visit_id INTEGER,originator_from_visit INTEGER,
      originator_opener_visit INTEGER,is_known_to_sync BOOLEAN DEFAULT FALSE NOT NULL,
      consider_for_ntp_most_visited BOOLEAN DEFAULT FALSE NOT NULL,
      visited_link_id INTEGER DEFAULT 0 NOT NULL, app_id TEXT);
    CREATE INDEX visits_url_index ON visits (url);
    CREATE INDEX visits_time_index ON visits (visit_time);
    CREATE INDEX urls_url_index ON urls (url);
    INSERT INTO meta VALUES ('version', '70'), ('last_compatible_version', '16');`,
  firefox: `
    CREATE TABLE moz_origins (id INTEGER PRIMARY KEY, prefix TEXT NOT NULL, host TEXT NOT NULL,
      frecency INTEGER NOT NULL, recalc_frecency INTEGER NOT NULL DEFAULT 0, alt_frecency INTEGER,
      recalc_alt_frecency INTEGER NOT NULL DEFAULT 0, UNIQUE (prefix, host));
    CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url LONGVARCHAR, title LONGVARCHAR,
      rev_host LONGVARCHAR, visit_count INTEGER DEFAULT 0, hidden INTEGER DEFAULT 0 NOT NULL,
      typed INTEGER DEFAULT 0 NOT NULL, frecency INTEGER DEFAULT -1 NOT NULL,
      last_visit_date INTEGER , guid TEXT, foreign_count INTEGER DEFAULT 0 NOT NULL,
      url_hash INTEGER DEFAULT 0 NOT NULL , description TEXT, preview_image_url TEXT,
      site_name TEXT, origin_id INTEGER REFERENCES moz_origins(id),
      recalc_frecency INTEGER NOT NULL DEFAULT 0, alt_frecency INTEGER,
      recalc_alt_frecency INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE moz_historyvisits (id INTEGER PRIMARY KEY, from_visit INTEGER,
      place_id INTEGER, visit_date INTEGER, visit_type INTEGER, session INTEGER,
      source INTEGER DEFAULT 0 NOT NULL, triggeringPlaceId INTEGER);
    CREATE INDEX moz_historyvisits_placedateindex ON moz_historyvisits (place_id, visit_date);
    CREATE INDEX moz_historyvisits_dateindex ON moz_historyvisits (visit_date);
    PRAGMA user_version = 78;`,
  safari: `
    CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT,url TEXT NOT NULL UNIQUE,
      domain_expansion TEXT NULL,visit_count INTEGER NOT NULL,daily_visit_counts BLOB NOT NULL,
      weekly_visit_counts BLOB NULL,autocomplete_triggers BLOB NULL,
      should_recompute_derived_visit_counts INTEGER NOT NULL,visit_count_score INTEGER NOT NULL,
      status_code INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT,
      history_item INTEGER NOT NULL REFERENCES history_items(id) ON DELETE CASCADE,
      visit_time REAL NOT NULL,title TEXT NULL,load_successful BOOLEAN NOT NULL DEFAULT 1,
      http_non_get BOOLEAN NOT NULL DEFAULT 0,synthesized BOOLEAN NOT NULL DEFAULT 0,
      redirect_source INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,
      redirect_destination INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,
      origin INTEGER NOT NULL DEFAULT 0,generation INTEGER NOT NULL DEFAULT 0,
      attributes INTEGER NOT NULL DEFAULT 0,score INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX history_visits__last_visit ON history_visits (history_item, visit_time DESC);`,
};

/** ms since 1970 in each browser's own clock. */
export const TO_BROWSER_TIME: Record<Family, (ms: number) => number> = {
  chromium: (ms) => Math.round((ms + 11_644_473_600_000) * 1000),
  firefox: (ms) => Math.round(ms * 1000),
  safari: (ms) => ms / 1000 - 978_307_200,
};

export interface Visit {
  url: string;
  ts: number;
  /** Chromium's visit_duration, ms. */
  durationMs?: number;
  /** Chromium transition (core type in the low byte; 3 = auto subframe). */
  transition?: number;
}

export class HistoryDb {
  readonly db: Database;
  readonly family: Family;
  readonly #urlIds = new Map<string, number>();

  constructor(file: string, family: Family, opts: { wal?: boolean } = {}) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new (sqlite().DatabaseSync)(file);
    this.family = family;
    // Chromium and Safari use a rollback journal; Firefox WAL.
    if (opts.wal ?? family === 'firefox') this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec(SCHEMA[family]);
  }

  #urlId(url: string, ts: number): number {
    const hit = this.#urlIds.get(url);
    if (hit !== undefined) return hit;
    const t = TO_BROWSER_TIME[this.family](ts);
    let id: number;
    if (this.family === 'chromium') {
      id = Number(
        this.db
          .prepare(
            'INSERT INTO urls (url, title, visit_count, last_visit_time) VALUES (?, ?, 1, ?)',
          )
          .run(url, 'a title', t).lastInsertRowid,
      );
    } else if (this.family === 'firefox') {
      const host = new URL(url).hostname;
      id = Number(
        this.db
          .prepare(
            'INSERT INTO moz_places (url, title, rev_host, visit_count, last_visit_date, guid) VALUES (?, ?, ?, 1, ?, ?)',
          )
          .run(url, 'a title', `${[...host].reverse().join('')}.`, t, `g${this.#urlIds.size}`)
          .lastInsertRowid,
      );
    } else {
      id = Number(
        this.db
          .prepare(
            'INSERT INTO history_items (url, visit_count, daily_visit_counts, should_recompute_derived_visit_counts, visit_count_score) VALUES (?, 1, ?, 0, 100)',
          )
          .run(url, new Uint8Array([1, 0, 0, 0])).lastInsertRowid,
      );
    }
    this.#urlIds.set(url, id);
    return id;
  }

  /** Adds visits in one transaction. */
  add(visits: readonly Visit[]): void {
    this.db.exec('BEGIN');
    const t = TO_BROWSER_TIME[this.family];
    const insert =
      this.family === 'chromium'
        ? this.db.prepare(
            'INSERT INTO visits (url, visit_time, transition, visit_duration) VALUES (?, ?, ?, ?)',
          )
        : this.family === 'firefox'
          ? this.db.prepare(
              'INSERT INTO moz_historyvisits (place_id, visit_date, visit_type, session, from_visit) VALUES (?, ?, ?, 0, 0)',
            )
          : this.db.prepare(
              'INSERT INTO history_visits (history_item, visit_time, title) VALUES (?, ?, ?)',
            );
    for (const v of visits) {
      const id = this.#urlId(v.url, v.ts);
      if (this.family === 'chromium') {
        insert.run(id, t(v.ts), v.transition ?? 0x30000001, Math.round((v.durationMs ?? 0) * 1000));
      } else if (this.family === 'firefox') insert.run(id, t(v.ts), 1);
      else insert.run(id, t(v.ts), 'a title');
    }
    this.db.exec('COMMIT');
  }

  close(): void {
    this.db.close();
  }
}
