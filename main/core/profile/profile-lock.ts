import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { AppError } from '../../../common/errors.js';

/**
 * One core per profile: the store has a single writer. The lock file holds the owner's pid;
 * a lock left by a dead process (kill -9, power loss) is taken over.
 */
export class ProfileLock {
  private held = false;

  constructor(private readonly path: string) {}

  acquire(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.path, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        this.held = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = this.ownerPid();
        if (owner !== null && owner !== process.pid && isAlive(owner)) {
          throw new AppError(
            'PROFILE_LOCKED',
            `This profile is in use by another Clientele process (pid ${owner}). Close it first, or use another --data-dir.`,
            { details: { ownerPid: owner } },
          );
        }
        rmSync(this.path, { force: true });
      }
    }
    throw new AppError('PROFILE_LOCKED', 'The profile lock could not be taken.');
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    if (this.ownerPid() === process.pid) rmSync(this.path, { force: true });
  }

  private ownerPid(): number | null {
    try {
      const pid = Number.parseInt(readFileSync(this.path, 'utf8'), 10);
      return Number.isFinite(pid) ? pid : null;
    } catch {
      return null;
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
