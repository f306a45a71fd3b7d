/**
 * Dropping root once the capture is open, as tcpdump does (its `-Z`): a process that
 * parses packets from a hostile network should not hold root while it does.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
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

/**
 * Whether `to` will be able to create (and delete) files in `dir` once root is dropped,
 * from the directory's owner, group and mode bits (ACLs are not read). Files that
 * `live` creates after the drop (--report-every files, --write ring files) need it,
 * as tcpdump's -C/-W files with -Z do.
 */
export function canCreateIn(dir: string, to: DropTarget): boolean {
  let st;
  try { st = statSync(dir); } catch { return false; }
  if (!st.isDirectory()) return false;
  const m = st.mode;
  // write and search on the directory, from the class that applies to the user
  if (st.uid === to.uid) return (m & 0o300) === 0o300;
  if (st.gid === to.gid) return (m & 0o030) === 0o030;
  return (m & 0o003) === 0o003;
}

/**
 * Refuses, before the capture starts, an option whose files the dropped user could not create.
 * @throws UsageError naming the option, the user and the way out
 */
export function requireCreatableAfterDrop(option: string, dir: string, to: DropTarget): void {
  if (canCreateIn(dir, to)) return;
  throw new UsageError(`${option}: ${to.name} (uid ${to.uid}) cannot create files in ${dir} after the privilege drop `
    + `(files are created there once root is given up, as tcpdump -Z does): chown ${to.name} ${dir}, pick a directory it can write, or --keep-root`);
}
