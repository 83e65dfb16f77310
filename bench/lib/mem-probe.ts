// Preloaded into the agent by bench/memory.ts --probe (`node --import bench/lib/mem-probe.ts`):
// appends process.memoryUsage() and V8's heap space sizes to $BENCH_MEM_PROBE as one
// JSON line every $BENCH_MEM_PROBE_MS (default 10 s). It lives in bench/ so that the
// agent's own code stays untouched; the timer is unref'd and never keeps the agent alive. With
// --expose-gc it also runs a full collection first and logs the live heap (`liveHeap`).

import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

const file = process.env.BENCH_MEM_PROBE;
if (file !== undefined && file !== '') {
  const every = Number(process.env.BENCH_MEM_PROBE_MS ?? 10_000);
  const gc = (globalThis as { gc?: () => void }).gc;
  const sample = () => {
    const m = process.memoryUsage();
    // With --expose-gc: the heap still in use after a full collection (what is really live).
    let liveHeap: number | undefined;
    if (gc !== undefined) {
      gc();
      liveHeap = process.memoryUsage().heapUsed;
    }
    const h = getHeapStatistics();
    const spaces: Record<string, number> = {};
    const physical: Record<string, number> = {};
    for (const s of getHeapSpaceStatistics()) {
      spaces[s.space_name] = s.space_used_size;
      physical[s.space_name] = s.physical_space_size;
    }
    appendFileSync(
      file,
      `${JSON.stringify({
        t: Date.now(),
        rss: m.rss,
        heapTotal: m.heapTotal,
        heapUsed: m.heapUsed,
        liveHeap,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        mallocedMemory: h.malloced_memory,
        peakMallocedMemory: h.peak_malloced_memory,
        totalPhysicalSize: h.total_physical_size,
        spaces,
        physical,
      })}\n`,
    );
  };
  setTimeout(sample, 1000).unref();
  setInterval(sample, every).unref();
}
