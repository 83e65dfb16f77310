import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LedgerTotals } from '../../src/export/ledger-totals.ts';
import { MemoryLedger } from '../../src/store/memory.ts';
import type { LedgerStore } from '../../src/store/types.ts';
import { usage } from '../support/export-agent.ts';

/** A store that counts its rollup queries. */
function counting(store: LedgerStore): { store: LedgerStore; queries: () => number } {
  let n = 0;
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === 'rollup') {
        return (...args: Parameters<LedgerStore['rollup']>) => {
          n++;
          return target.rollup(...args);
        };
      }
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { store: proxy, queries: () => n };
}

test('the ledger is summed again only when its usage changed', () => {
  const mem = new MemoryLedger();
  const { store, queries } = counting(mem);
  const totals = new LedgerTotals({ store: () => store, perSession: false, onError: assert.fail });
  mem.mergeUsage([usage('codex', 'gpt-5', { input: 5 })]);
  assert.equal(totals.read().byToolModel[0]!.tokens.input, 5);
  totals.read();
  totals.read();
  assert.equal(queries(), 1);
  mem.mergeUsage([usage('codex', 'gpt-5', { input: 7 })]);
  assert.equal(totals.read().byToolModel[0]!.tokens.input, 12);
  assert.equal(queries(), 2);
});

test('while the ledger is not readable the last totals stay, and the failure is logged once', () => {
  const mem = new MemoryLedger();
  mem.mergeUsage([usage('codex', 'gpt-5', { input: 5 })]);
  let available: LedgerStore | undefined = mem;
  let broken = false;
  const errors: string[] = [];
  const flaky = new Proxy(mem, {
    get(target, prop, receiver) {
      if (prop === 'usageVersion' && broken) {
        return () => {
          throw new Error('database is locked');
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const totals = new LedgerTotals({
    store: () => (available === undefined ? undefined : flaky),
    perSession: false,
    onError: (e) => errors.push(e.message),
  });
  assert.equal(totals.read().byToolModel.length, 1);
  available = undefined;
  assert.equal(totals.read().byToolModel.length, 1);
  available = mem;
  broken = true;
  totals.read();
  totals.read();
  assert.equal(totals.read().byToolModel[0]!.tokens.input, 5);
  assert.deepEqual(errors, ['database is locked']);
});

test('per-session rows: recent sessions only, read again once a minute without changes', () => {
  const mem = new MemoryLedger();
  const { store, queries } = counting(mem);
  const now = Date.now();
  mem.mergeUsage([
    { ...usage('codex', 'gpt-5', { input: 1 }), sessionId: 'fresh', ts: now - 1000 },
    { ...usage('codex', 'gpt-5', { input: 2 }), sessionId: 'stale', ts: now - 2 * 86_400_000 },
  ]);
  const totals = new LedgerTotals({ store: () => store, perSession: true, onError: assert.fail });
  assert.deepEqual(
    totals.read(now).bySession.map((r) => r.session),
    ['fresh'],
  );
  const after = queries();
  totals.read(now + 30_000);
  assert.equal(queries(), after, 'nothing changed, within the minute');
  // Days later the session has left the window, though the ledger did not change.
  assert.deepEqual(totals.read(now + 2 * 86_400_000).bySession, []);
});
