/**
 * Dropping root once the capture is open, as tcpdump does (its `-Z`): a process that
 * parses packets from a hostile network should not hold root while it does.
 */
import { execFileSync } from 'node:child_process';
import { UsageError } from '../errors.js';

/** The account a root `live` drops to. */
export interface DropTarget {
  name: string;
  uid: number;
  gid: number;
}

/** Whether this process runs as root (so it can, and should, drop). */
export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Looks up `name` (through NSS, with `getent passwd`, so LDAP/SSSD accounts work too).
 * @throws UsageError when there is no such user
 */
export function lookupUser(name: string): DropTarget {
  let line = '';
  try {
    line = execFileSync('getent', ['passwd', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0] ?? '';
  } catch {
    line = '';
  }
  const f = line.split(':');
  const uid = Number(f[2]), gid = Number(f[3]);
  if (f.length < 4 || f[2] === '' || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new UsageError(`--user: no user named ${JSON.stringify(name)} (getent passwd ${name} finds none)`);
  }
  return { name, uid, gid };
}

/**
 * Gives up root for good: supplementary groups cleared, then the group, then the user
 * (in that order: once the uid is not 0 the other two can no longer be changed).
 * Handles that are open already (the capture, output files, /dev/tty) stay usable.
 */
export function dropPrivileges(to: DropTarget): void {
  process.setgroups!([]);
  process.setgid!(to.gid);
  process.setuid!(to.uid);
}
