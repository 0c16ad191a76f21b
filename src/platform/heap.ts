import { setFlagsFromString } from 'node:v8';

/** How far the old generation may grow past what survived a full collection: to 2.5× (+150%). */
const HEAP_GROWING_PERCENT = 150;

/**
 * Bounds how far V8 lets the heap grow before its next full collection. Left
 * to its own heuristics it lets the old generation reach about four times the
 * live data under steady load: 150-200 MB of heap around ~33 MB live, which
 * is most of the gateway's peak resident memory. 2.5 times cost no CPU
 * measurable above this machine's noise (bench/CHANGES.md) and, unlike a
 * heap cap, never stops the process. A `--heap-growing-percent` given to node
 * on its command line wins.
 */
export function boundHeapGrowth(): void {
  if (process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) return;
  // A GC heuristic read at every full collection, so setting it at startup is enough.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
