/**
 * Flow-record seeds for the fuzzer beside the corpus captures: IPFIX files written by
 * src/synth/export-writer.ts (uniflows; RFC 5103 biflows with an options template and a
 * variable-length field; firewall events), so mutants reach the template, set and record
 * decoders of `audit`'s IPFIX path. The corpus's Zeek conn logs are added by run.ts.
 */
import { encodeRecord, ipfixMessage, ipfixTemplates, set, UNIFLOW4, uniflow4, type FieldSpec } from '../synth/export-writer.js';

const T = 1_768_464_000_000;

/** Named IPFIX seeds. */
export function ipfixSeeds(): { name: string; bytes: Buffer }[] {
  const uni = ipfixMessage({ exportSec: T / 1000, seq: 0, domain: 1 }, [
    ipfixTemplates([{ id: 256, fields: UNIFLOW4 }]),
    set(256, Buffer.concat([
      uniflow4('10.10.0.10', '10.10.0.20', 50000, 1433, 6, 0x1b, 6, 400, T, T + 20), uniflow4('10.10.0.20', '10.10.0.10', 1433, 50000, 6, 0x1b, 4, 300, T, T + 20),
      uniflow4('10.20.1.5', '10.10.0.10', 50001, 5633, 6, 0x02, 1, 60, T, T), uniflow4('10.10.0.10', '10.20.1.5', 5633, 50001, 6, 0x14, 1, 40, T, T),
      uniflow4('10.10.0.10', '10.10.0.40', 40000, 162, 17, 0, 1, 98, T, T), uniflow4('10.10.0.1', '10.10.0.10', 0, 0x0303, 1, 0, 1, 56, T + 5, T + 5),
    ])),
  ]);
  const bi: FieldSpec[] = [...UNIFLOW4, { id: 2, len: 4, pen: 29305 }, { id: 1, len: 4, pen: 29305 }, { id: 6, len: 1, pen: 29305 }, { id: 82, len: 0xffff }];
  const opt: FieldSpec[] = [{ id: 149, len: 4 }, { id: 34, len: 4 }, { id: 160, len: 8 }];
  const biflow = ipfixMessage({ exportSec: T / 1000, seq: 6, domain: 2 }, [
    ipfixTemplates([{ id: 300, fields: bi }]), ipfixTemplates([{ id: 301, fields: opt, scope: 1 }]),
    set(301, encodeRecord(opt, [2, 1, T - 3_600_000])),
    set(300, Buffer.concat([
      encodeRecord(bi.slice(0, -1), ['10.10.0.20', '10.10.0.10', 1433, 50002, 6, 0x14, 1, 40, T, T + 1, 1, 44, 0x02]), Buffer.from([3, 0x65, 0x74, 0x68]),
    ])),
  ]);
  const fw: FieldSpec[] = [{ id: 148, len: 4 }, { id: 8, len: 4 }, { id: 12, len: 4 }, { id: 7, len: 2 }, { id: 11, len: 2 }, { id: 4, len: 1 },
    { id: 233, len: 1 }, { id: 323, len: 8 }, { id: 231, len: 4 }, { id: 232, len: 4 }];
  const events = ipfixMessage({ exportSec: T / 1000, seq: 0, domain: 3 }, [
    ipfixTemplates([{ id: 263, fields: fw }]),
    set(263, Buffer.concat([
      encodeRecord(fw, [1, '10.20.1.5', '10.10.0.10', 50003, 4510, 6, 3, T, 44, 0]),
      encodeRecord(fw, [2, '10.20.1.6', '10.10.0.10', 50004, 943, 6, 2, T + 900, 500, 900]),
    ])),
  ]);
  return [
    { name: 'gen-uniflows.ipfix', bytes: Buffer.concat([uni, uni]) },
    { name: 'gen-biflows.ipfix', bytes: biflow },
    { name: 'gen-firewall-events.ipfix', bytes: Buffer.concat([events, uni]) },
  ];
}
