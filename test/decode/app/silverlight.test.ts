import { describe, expect, it } from 'vitest';
import { identifySilverlight } from '../../../src/decode/app/silverlight.js';
import { accessPolicy, bytes, flashPolicy, policyRequest } from './support/samples.js';

describe('identifySilverlight', () => {
  it('recognises the policy-file request, alone or NUL-terminated', () => {
    expect(identifySilverlight(policyRequest, true)).toEqual({ detail: 'policy-file-request' });
    expect(identifySilverlight(bytes('<policy-file-request/>', 0), true)).toEqual({ detail: 'policy-file-request' });
    expect(identifySilverlight(policyRequest.subarray(0, 10), true)).toEqual({ detail: 'policy-file-request' });
  });

  it('names the root element of the policy answer', () => {
    expect(identifySilverlight(accessPolicy, false)).toEqual({ detail: 'access-policy' });
    expect(identifySilverlight(flashPolicy, false)).toEqual({ detail: 'cross-domain-policy' });
    expect(identifySilverlight(bytes(0xef, 0xbb, 0xbf, '<access-policy/>'), false)).toEqual({ detail: 'access-policy' });
  });

  it('rejects other XML, other text and requests with trailing data', () => {
    expect(identifySilverlight(bytes('<?xml version="1.0"?><html/>'), false)).toBeNull();
    expect(identifySilverlight(bytes('<html><body/></html>'), false)).toBeNull();
    expect(identifySilverlight(bytes('<policy-file-request/>GET'), true)).toBeNull();
    expect(identifySilverlight(bytes('<policy'), true)).toBeNull();
    expect(identifySilverlight(policyRequest, false)).toBeNull();
  });
});
