import { describe, expect, it } from 'vitest';
import { identifyAmqp } from '../../../src/decode/app/amqp.js';
import { amqpBasicPublish, amqpConnectionStart, amqpHeader, amqpHeartbeat, bytes } from './support/samples.js';

describe('identifyAmqp', () => {
  it('recognises protocol headers of the versions in use', () => {
    expect(identifyAmqp(amqpHeader, true)).toEqual({ detail: 'header 0-9-1' });
    expect(identifyAmqp(bytes('AMQP', 0, 1, 0, 0), true)).toEqual({ detail: 'header 1.0' });
    expect(identifyAmqp(bytes('AMQP', 1, 1, 8, 0), true)).toEqual({ detail: 'header 0-8' });
  });

  it('recognises connection.start from the server', () => {
    expect(identifyAmqp(amqpConnectionStart, false)).toEqual({ detail: 'connection.start 0-9' });
    expect(identifyAmqp(amqpConnectionStart.subarray(0, 20), false)).toEqual({ detail: 'connection.start 0-9' });
  });

  it('recognises midstream method frames and heartbeats', () => {
    expect(identifyAmqp(amqpBasicPublish, true)).toEqual({ detail: 'basic.publish' });
    expect(identifyAmqp(amqpHeartbeat, false)).toEqual({ detail: 'heartbeat' });
  });

  it('rejects wrong versions, frame ends and unknown classes', () => {
    expect(identifyAmqp(bytes('AMQP', 0, 0, 9, 2), true)).toBeNull();
    expect(identifyAmqp(bytes('AMQP'), true)).toBeNull();
    const badEnd = amqpConnectionStart.slice();
    badEnd[badEnd.length - 1] = 0;
    expect(identifyAmqp(badEnd, false)).toBeNull();
    const badVersion = amqpConnectionStart.slice();
    badVersion[12] = 10;
    expect(identifyAmqp(badVersion, false)).toBeNull();
    const badClass = amqpBasicPublish.slice();
    badClass[8] = 61;
    expect(identifyAmqp(badClass, true)).toBeNull();
    expect(identifyAmqp(bytes(8, 0, 0, 0, 0, 0, 0, 0), true)).toBeNull(); // heartbeat without frame-end
  });
});
