// Measuring helpers for npm run bench (scripts/bench.mjs): timing a child process, interleaving the
// runs of compared commands, summarising them (min/median/max), peak RSS and the machine's state.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';

/**
 * Run a command to its end without blocking this process (the simulators answering it live here),
 * with exactly the environment given; its wall time from spawn to exit in ms.
 * @returns {Promise<{ ms: number, code: number | null, stdout: string, stderr: string }>}
 */
export function timedRun(command, args, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code, stdout, stderr }));
  });
}

/** A run that must succeed: its wall time, or an error carrying the start of its output. */
export async function mustRun(label, command, args, env) {
  const run = await timedRun(command, args, env);
  if (run.code !== 0) throw new Error(`${label} exited ${run.code}:\n${(run.stdout + run.stderr).slice(0, 2000)}`);
  return run;
}

/** min, median and max of some measurements (the median of an even count: the mean of the middle two). */
export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { n: sorted.length, min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/**
 * Runs compared commands in turn, A B C A B C …, each round starting one later (B C A, C A B, …)
 * so that no command always runs first after a pause; `warmups` untimed runs of each first.
 * @param {number} rounds
 * @param {Record<string, () => Promise<number>>} commands each resolves one run's measurement
 * @param {number} [warmups]
 * @returns {Promise<Record<string, number[]>>} the measurements of each command
 */
export async function interleaved(rounds, commands, warmups = 1) {
  const names = Object.keys(commands);
  for (let i = 0; i < warmups; i++) for (const name of names) await commands[name]();
  /** @type {Record<string, number[]>} */
  const results = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      results[name].push(await commands[name]());
    }
  }
  return results;
}

export const TIME_BINARY = '/usr/bin/time';
export const canMeasureRss = () => existsSync(TIME_BINARY);

/**
 * Peak resident set size of a command in kB: GNU time's %M, the ru_maxrss the kernel reports to
 * wait4() when the process ends (no sampling, so nothing is missed just before exit).
 */
export async function peakRssKb(label, command, args, env, outFile) {
  const run = await timedRun(TIME_BINARY, ['-f', '%M', '-o', outFile, command, ...args], env);
  if (run.code !== 0) throw new Error(`${label} (under ${TIME_BINARY}) exited ${run.code}:\n${(run.stdout + run.stderr).slice(0, 2000)}`);
  const kb = Number(readFileSync(outFile, 'utf8').trim().split('\n').pop());
  rmSync(outFile, { force: true });
  if (!(kb > 0)) throw new Error(`${label}: no peak RSS from ${TIME_BINARY}`);
  return kb;
}

/** The machine as the benchmark saw it: CPU, cores, memory, kernel, and the load average now. */
export function machineState() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model?.trim() ?? 'unknown CPU',
    cores: cpu.length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    kernel: `${process.platform} ${release()}`,
    loadavg: loadavg().map((l) => Number(l.toFixed(2))),
  };
}
