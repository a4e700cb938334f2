// What every benchmark writes next to its figures: the machine and the code measured.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The machine's description; `extra` adds tool versions ({ name: [command, args] }). */
export function machine(extra = {}) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const version = (command, args) => spawnSync(command, args, { encoding: 'utf8' }).stdout?.trim() || null;
  return {
    cpu: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    cores: os.availableParallelism(),
    ramGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    os: /^PRETTY_NAME="?(.*?)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? null,
    node: process.version,
    ...Object.fromEntries(Object.entries(extra).map(([name, [command, args]]) => [name, version(command, args)])),
  };
}

/** Which code was measured: the commit, and the files of main/ and common/ that differ from it. */
export function codeState() {
  const git = (args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const changed = git(['status', '--porcelain', '--', 'main', 'common']).split('\n').filter(Boolean);
  return { commit: git(['rev-parse', '--short', 'HEAD']) || null, uncommittedInMainOrCommon: changed };
}

/** A package's installed version. */
export function packageVersion(name) {
  return JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')).version;
}

/** 1-minute load average: the machine may be shared, and a busy neighbour slows every client. */
export const load1 = () => Math.round(os.loadavg()[0] * 100) / 100;

/** The kernel's clock ticks per second (the unit of /proc CPU times). */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/**
 * CPU time the whole machine spent busy so far, in ms: user, nice, system, irq and softirq of
 * /proc/stat (not idle, iowait or steal). The difference over a run is what every process on the
 * machine used meanwhile: the client measured, the servers it talks to, and any neighbour.
 */
export function machineCpuMs() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq] = fields;
  return ((user + nice + system + irq + softirq) * 1000) / CLOCK_TICKS;
}

/** CPU time (user + system, every thread) a live process has used, in ms; null once it is gone. */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
