/**
 * Fake terminal streams for runDashboard: an output that records what Ink
 * writes (with a chosen size and TTY flag) and an input we type keys into.
 */
import { EventEmitter } from 'node:events';

/** A terminal (or pipe) output that keeps everything written to it. */
export class FakeOut extends EventEmitter {
  chunks: string[] = [];
  constructor(readonly isTTY: boolean, readonly columns: number, readonly rows: number) {
    super();
  }
  write = (chunk: string | Uint8Array, cb?: unknown): boolean => {
    this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    if (typeof cb === 'function') (cb as () => void)();
    return true;
  };
  get text(): string {
    return this.chunks.join('');
  }
  /** As a Node stream, for runDashboard's options. */
  get stream(): NodeJS.WriteStream {
    return this as unknown as NodeJS.WriteStream;
  }
}

/** A terminal input in raw mode: `type` delivers keys the way a TTY does. */
export class FakeIn extends EventEmitter {
  readonly isTTY = true;
  private pending: string | null = null;
  type(keys: string): void {
    this.pending = keys;
    this.emit('readable');
    this.emit('data', keys);
  }
  read = (): string | null => {
    const p = this.pending;
    this.pending = null;
    return p;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  get stream(): NodeJS.ReadStream {
    return this as unknown as NodeJS.ReadStream;
  }
}

/** Lets queued work run (input events, React updates, Ink's writes); waits for no clock. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
