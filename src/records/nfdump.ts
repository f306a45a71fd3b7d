/**
 * nfdump stores (nfcapd files and directories) through Debian's `nfdump` program.
 */
import type { RecordReadOptions, RecordReadResult, RecordSink } from './source.js';
import { newCounts } from './source.js';

/** Reads an nfcapd file or a directory of them. */
export async function readNfdump(path: string, sink: RecordSink, opts: RecordReadOptions): Promise<RecordReadResult> {
  void sink; void opts;
  return { format: 'nfcapd', gzip: false, counts: newCounts(), packets: 0, bytes: 0, first: NaN, last: NaN, error: `${path}: nfdump stores are not read yet` };
}
