import { describe, expect, it } from 'vitest';
import { parseFrame } from '../src/daemon/protocol';
import { Semaphore } from '../src/daemon/semaphore';

describe('Semaphore', () => {
  it('hands out up to capacity permits immediately', () => {
    const s = new Semaphore('t', 2);
    expect(s.tryAcquire()).toBe(true);
    expect(s.tryAcquire()).toBe(true);
    expect(s.tryAcquire()).toBe(false);
    expect(s.snapshot().exhaustionEvents).toBe(1);
  });

  it('queues waiters FIFO and wakes them on release', async () => {
    const s = new Semaphore('t', 1);
    await s.acquire();
    const order: number[] = [];
    const a = s.acquire().then(() => order.push(1));
    const b = s.acquire().then(() => order.push(2));
    expect(s.snapshot().queued).toBe(2);
    s.release();
    await a;
    s.release();
    await b;
    expect(order).toEqual([1, 2]);
  });

  it('rejects acquire after timeout and removes the waiter', async () => {
    const s = new Semaphore('t', 1);
    await s.acquire();
    await expect(s.acquire(20)).rejects.toThrow(/timed out/);
    expect(s.snapshot().queued).toBe(0);
  });

  it('releases the permit when withPermit throws', async () => {
    const s = new Semaphore('t', 1);
    await expect(s.withPermit(async () => {
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(s.snapshot().available).toBe(1);
  });

  it('detects release without acquire', () => {
    const s = new Semaphore('t', 1);
    expect(() => s.release()).toThrow(/without matching acquire/);
  });
});

describe('parseFrame', () => {
  it('parses a hello frame', () => {
    expect(parseFrame('{"op":"hello","token":"x"}')).toEqual({ op: 'hello', token: 'x' });
  });

  it('rejects non-JSON', () => {
    expect(() => parseFrame('not json')).toThrow(/valid JSON/);
  });

  it('rejects unknown ops', () => {
    expect(() => parseFrame('{"op":"shutdown"}')).toThrow(/unknown op/);
  });

  it('requires a well-formed request_id on call_tool', () => {
    expect(() => parseFrame('{"op":"call_tool","name":"chat"}')).toThrow(/request_id/);
    expect(() => parseFrame('{"op":"call_tool","request_id":"a b","name":"chat"}')).toThrow(/request_id/);
  });

  it('rejects non-object arguments', () => {
    expect(() =>
      parseFrame('{"op":"call_tool","request_id":"r1","name":"chat","arguments":[1,2]}'),
    ).toThrow(/arguments/);
  });
});
