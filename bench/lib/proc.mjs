// @ts-check
// Process accounting from /proc (Linux): CPU time of one process, of the
// PostgreSQL backends serving one database, and resident memory.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // 100 on every Linux we know of.
}

/** utime + stime of one process, in milliseconds (null when it is gone). */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / ticksPerSecond;
  } catch {
    return null;
  }
}

/** { rssMb, hwmMb } of one process from /proc/<pid>/status (null when gone). */
export function processMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/**
 * CPU time (ms) of every PostgreSQL backend connected to `database`, keyed by
 * pid. Backends are recognised by their process title
 * ("postgres: [cluster: ]user database host(port) state"); background workers,
 * autovacuum and other databases' backends are left out.
 */
export function postgresBackendsCpu(database) {
  const result = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let title;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    const match = /^postgres: (?:\S+: )?(\S+) (\S+) (\S+\(\d+\)|\[local\])/.exec(title);
    if (!match || match[2] !== database) continue;
    const cpu = processCpuMs(Number(entry));
    if (cpu !== null) result.set(Number(entry), cpu);
  }
  return result;
}

/**
 * Every CPU millisecond the PostgreSQL server has used so far: all live
 * `postgres` processes (backends of every database, parallel workers,
 * background processes) plus the children the postmaster has already reaped
 * (its cutime + cstime), so short-lived parallel workers are not lost. The
 * difference of two readings is the server's CPU in between, whatever ran it.
 */
export function postgresServerCpu() {
  let live = 0;
  let reaped = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    live += ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
    const ppid = Number(fields[1]);
    let parentComm = '';
    try {
      parentComm = readFileSync(`/proc/${ppid}/comm`, 'utf8').trim();
    } catch {
      // parent gone or not ours to read
    }
    // The postmaster: a postgres process whose parent is not one.
    if (parentComm !== 'postgres') reaped += ((Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond;
  }
  return live + reaped;
}

/**
 * CPU used by a database's backends between two snapshots: backends that
 * appeared in between count from zero; those that exited in between are lost
 * (connection pools keep theirs open under load, so this is rare).
 */
export function backendsCpuDelta(before, after) {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

/** Samples VmRSS of some processes every `everyMs` until stopped; returns the peak of each. */
export function sampleRss(pids, everyMs = 200) {
  const peak = new Map(pids.map((pid) => [pid, 0]));
  const tick = () => {
    for (const pid of pids) {
      const mem = processMemory(pid);
      if (mem && mem.rssMb > peak.get(pid)) peak.set(pid, mem.rssMb);
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return peak;
    },
  };
}

export function machineInfo() {
  const cpuinfo = safeRead('/proc/cpuinfo');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  const cpus = (cpuinfo.match(/^processor\s*:/gm) ?? []).length;
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(safeRead('/proc/meminfo'))?.[1] ?? 0);
  const os = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(safeRead('/etc/os-release'))?.[1] ?? process.platform;
  return { cpu: model, cpus, memory_gb: Math.round(memKb / 1024 / 1024), os, kernel: safeRead('/proc/sys/kernel/osrelease').trim(), node: process.version };
}

function safeRead(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
