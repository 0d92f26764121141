import { describe, expect, it } from 'vitest';
import { parseClientMessage, tokenFromProtocols } from '../src/ws/protocol';

const conv = '0b9c7f6e-2d4a-4c1b-8e3f-5a6b7c8d9e0f';
const frame = (o: unknown) => Buffer.from(JSON.stringify(o));

describe('parseClientMessage', () => {
  it('accepts a chat message and trims it', () => {
    const r = parseClientMessage(frame({ type: 'chat', conversationId: conv, message: '  hi  ' }), false, 100);
    expect(r).toEqual({ ok: true, msg: { type: 'chat', conversationId: conv, message: 'hi' } });
  });

  it('rejects over-long, empty and unknown-field messages', () => {
    expect(parseClientMessage(frame({ type: 'chat', conversationId: conv, message: 'x'.repeat(101) }), false, 100).ok).toBe(false);
    expect(parseClientMessage(frame({ type: 'chat', conversationId: conv, message: '   ' }), false, 100).ok).toBe(false);
    expect(parseClientMessage(frame({ type: 'chat', conversationId: conv, message: 'a', userId: 'x' }), false, 100).ok).toBe(false);
  });

  it('rejects binary frames and malformed JSON without throwing', () => {
    expect(parseClientMessage(Buffer.from([1, 2]), true, 100)).toMatchObject({ ok: false, code: 'unsupported' });
    expect(parseClientMessage(Buffer.from('{nope'), false, 100)).toMatchObject({ ok: false, code: 'bad_json' });
  });
});

describe('tokenFromProtocols', () => {
  it('extracts a JWT from "bearer, <token>"', () => {
    expect(tokenFromProtocols('bearer, aaa.bbb.ccc')).toBe('aaa.bbb.ccc');
  });
  it('ignores anything else', () => {
    expect(tokenFromProtocols(undefined)).toBeNull();
    expect(tokenFromProtocols('chat')).toBeNull();
    expect(tokenFromProtocols('bearer, not a token')).toBeNull();
  });
});
