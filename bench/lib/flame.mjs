// @ts-check
// A flame graph of a V8 .cpuprofile as a standalone SVG (no dependency): one
// box per call path, as wide as the CPU time spent in it and below it. Drawn
// top-down (an "icicle"): the callers at the top, where the wide boxes are
// seen first; call paths deeper than MAX_DEPTH are cut there (their time
// stays in the box above). The garbage collector's time is a box of its own
// at the root; idle time is left out. Colours tell the gateway's own code from GraphQL, the
// database driver, Node and the rest; hovering a box shows its name and share.

import { xml } from './svg.mjs';

const ROW = 17;
const WIDTH = 1200;
const MIN_PX = 0.6;
const MAX_DEPTH = 48;
const TOP = 2 * ROW + 6;

/** @typedef {{ name: string, area: string, us: number, children: Map<string, Frame> }} Frame */

/**
 * @param {{ nodes: Array<{ id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }>, samples: number[], timeDeltas: number[] }} profile
 * @param {string} title
 * @returns {string}
 */
export function flameGraphSvg(profile, title) {
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const root = frame('all', 'root');
  /** Adds node `id` (and its subtree) under `parent`, merging same-named siblings; returns its total. */
  const add = (id, parent) => {
    const node = byId.get(id);
    if (!node) return 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`.trim();
    let f = parent.children.get(name);
    if (!f) parent.children.set(name, (f = frame(name, areaOf(url, functionName))));
    let us = self.get(id) ?? 0;
    for (const child of node.children ?? []) us += add(child, f);
    f.us += us;
    return us;
  };
  // The profile's own root is '(root)': its children are the program, idle, GC and the call stacks.
  const top = profile.nodes[0];
  // Idle time is left out: the graph shows where the CPU went.
  for (const child of top?.children ?? []) {
    if (byId.get(child)?.callFrame.functionName !== '(idle)') root.us += add(child, root);
  }
  const total = root.us || 1;

  let depth = 0;
  /** @type {string[]} */
  const boxes = [];
  const draw = (f, x, level) => {
    const w = (f.us / total) * WIDTH;
    if (w < MIN_PX || level >= MAX_DEPTH) return;
    depth = Math.max(depth, level + 1);
    boxes.push(box(f, x, level, w, total));
    let cx = x;
    for (const child of [...f.children.values()].sort((a, b) => b.us - a.us)) {
      draw(child, cx, level + 1);
      cx += (child.us / total) * WIDTH;
    }
  };
  draw(root, 0, 0);
  const height = TOP + depth * ROW + 4;
  const body = boxes.join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="monospace" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="4" y="14" font-size="13" font-weight="bold">${xml(title)}</text>`,
    `<text x="4" y="${ROW + 12}" fill="#555">${xml(legend())}</text>`,
    body,
    '</svg>',
  ].join('\n');
}

function frame(name, area) {
  return /** @type {Frame} */ ({ name, area, us: 0, children: new Map() });
}

const COLOURS = {
  gateway: '#6baed6',
  graphql: '#fd8d3c',
  database: '#74c476',
  node: '#bdbdbd',
  gc: '#e377c2',
  idle: '#f0f0f0',
  other: '#fdd0a2',
  root: '#d9d9d9',
};

function legend() {
  return 'blue: the gateway (src/, dist/) · orange: GraphQL (graphql, yoga, envelop, pothos, jit) · green: pg / prisma · grey: node · pink: GC · pale: other packages';
}

function areaOf(url, fn) {
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(idle)') return 'idle';
  if (!url) return 'node';
  if (url.startsWith('node:')) return 'node';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (!m) return /\/(src|dist)\//.test(url) ? 'gateway' : 'other';
  const pkg = m[1];
  if (/^(graphql|graphql-jit|graphql-yoga|@graphql-|@envelop|@pothos|@whatwg-node)/.test(pkg)) return 'graphql';
  if (/^(pg|pg-|postgres-|@prisma|prisma)/.test(pkg)) return 'database';
  return 'other';
}

function box(f, x, level, w, total) {
  const y = TOP + level * ROW;
  const share = ((100 * f.us) / total).toFixed(1);
  const label = w > 40 ? xml(f.name.slice(0, Math.floor((w - 4) / 6.6))) : '';
  return [
    `<g><title>${xml(f.name)} (${share}%)</title>`,
    `<rect x="${x.toFixed(2)}" y="${y}" width="${Math.max(w - 0.3, 0.3).toFixed(2)}" height="${ROW - 1}" fill="${COLOURS[/** @type {keyof typeof COLOURS} */ (f.area)] ?? COLOURS.other}"/>`,
    label ? `<text x="${(x + 2).toFixed(2)}" y="${y + ROW - 5}">${label}</text>` : '',
    '</g>',
  ].join('');
}

function shortUrl(url) {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\//, '')
    .replace(/^.*?\/(src|dist)\//, '$1/');
}
