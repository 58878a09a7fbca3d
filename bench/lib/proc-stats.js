'use strict';
// CPU and memory from procfs, as performance-limits.md measures them: per process user+sys ticks over
// a window, Postgres as the whole cluster (postmaster with its reaped children + live backends),
// the machine from /proc/stat.
const fs = require('node:fs');
const os = require('node:os');

const TICK_MS = 10; // getconf CLK_TCK = 100 on Linux x86_64

function readStat(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' ');
    return { pid, comm, ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) };
  } catch {
    return null;
  }
}

/** Resident set size in MB (VmRSS) and its peak (VmHWM), or null if the process is gone. */
function readRss(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number((new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text) || [])[1] || 0);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

function allPids() {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

function machineTicks() {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line;
  const busy = user + nice + system + irq + softirq + steal;
  // steal: time the hypervisor gave this VM's vCPUs to someone else (counted in "other load" too).
  return { busy, steal, total: busy + idle + iowait };
}

/** Ticks of every process now, for attributing the machine's load ("who else was busy"). */
function snapshotAll() {
  const map = new Map();
  for (const pid of allPids()) {
    const s = readStat(pid);
    if (s) map.set(pid, s);
  }
  return map;
}

function postgresTicks(snapshot) {
  let ticks = 0;
  for (const s of snapshot.values()) {
    if (s.comm !== 'postgres') continue;
    ticks += s.utime + s.stime;
    const parent = snapshot.get(s.ppid);
    if (!parent || parent.comm !== 'postgres') ticks += s.cutime + s.cstime; // the postmaster: its exited backends
  }
  return ticks;
}

function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 120);
  } catch {
    return '';
  }
}

/**
 * A measurement window: `start()` then `stop()` gives CPU % of one core for each named pid (and for
 * Redis, Postgres, the machine, and everything else on the box).
 */
class CpuWindow {
  constructor(named, redisPid) {
    // { label: pid }; the runner itself is part of the apparatus, so it is never "other load".
    this.named = { ...named, runner: process.pid };
    this.redisPid = redisPid;
  }

  start() {
    this.t0 = Date.now();
    this.m0 = machineTicks();
    this.s0 = snapshotAll();
    return this;
  }

  stop() {
    const elapsedMs = Date.now() - this.t0;
    const m1 = machineTicks();
    const s1 = snapshotAll();
    const pct = (ticks) => (ticks * TICK_MS * 100) / elapsedMs;
    const delta = (pid) => {
      const a = this.s0.get(pid);
      const b = s1.get(pid);
      if (!a || !b) return null;
      return b.utime + b.stime - (a.utime + a.stime);
    };
    const processes = {};
    const ours = new Set();
    for (const [label, pid] of Object.entries(this.named)) {
      if (!pid) continue;
      ours.add(pid);
      const d = delta(pid);
      processes[label] = d === null ? null : round1(pct(d));
    }
    if (this.redisPid) {
      ours.add(this.redisPid);
      const d = delta(this.redisPid);
      processes.redis = d === null ? null : round1(pct(d));
    }
    processes.postgres = round1(pct(postgresTicks(s1) - postgresTicks(this.s0)));
    const cores = os.cpus().length;
    const machineBusy = ((m1.busy - this.m0.busy) / Math.max(1, m1.total - this.m0.total)) * 100 * cores;
    const steal = ((m1.steal - this.m0.steal) / Math.max(1, m1.total - this.m0.total)) * 100 * cores;
    // Everything that is neither ours nor Redis nor Postgres: other engineers' builds and tests.
    const others = [];
    for (const [pid, b] of s1) {
      if (ours.has(pid) || b.comm === 'postgres') continue;
      const a = this.s0.get(pid);
      const d = b.utime + b.stime - (a ? a.utime + a.stime : 0);
      if (d > 0) others.push({ pid, comm: b.comm, cpuPct: pct(d) });
    }
    others.sort((x, y) => y.cpuPct - x.cpuPct);
    // Machine busy time not spent in our processes, Redis or Postgres (includes processes that came
    // and went inside the window, which a per-process listing misses).
    const attributed = Object.values(processes).reduce((sum, v) => sum + (v || 0), 0);
    const otherTotal = Math.max(0, machineBusy - attributed);
    return {
      elapsedMs,
      processes,
      machinePct: round1(machineBusy),
      cores,
      otherPct: round1(otherTotal),
      stealPct: round1(steal),
      topOthers: others.slice(0, 4).map((o) => ({ comm: o.comm, cmd: cmdline(o.pid), cpuPct: round1(o.cpuPct) })),
    };
  }
}

const round1 = (v) => Math.round(v * 10) / 10;

module.exports = { readStat, readRss, CpuWindow, snapshotAll, cmdline, TICK_MS };
