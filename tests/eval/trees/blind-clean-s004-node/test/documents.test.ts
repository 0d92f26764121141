import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../src/lib/cursor';
import { HttpError } from '../src/lib/errors';
import { decodeUtf8, sanitiseFilename } from '../src/routes/documents';

describe('upload helpers', () => {
  it('strips directories and control characters from filenames', () => {
    expect(sanitiseFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitiseFilename('C:\\Users\\me\\cv.md')).toBe('cv.md');
    expect(sanitiseFilename('a\u0000b<c>.txt')).toBe('a_b_c_.txt');
    expect(sanitiseFilename('')).toBe('upload');
    expect(sanitiseFilename('x'.repeat(500) + '.txt')).toHaveLength(200);
  });

  it('accepts UTF-8 and rejects invalid byte sequences', () => {
    expect(decodeUtf8(Buffer.from('héllo', 'utf8'))).toBe('héllo');
    expect(decodeUtf8(Buffer.from([0xff, 0xfe, 0x00]))).toBeNull();
  });
});

describe('cursor', () => {
  it('round-trips timestamp and id', () => {
    const ts = new Date('2024-05-01T10:11:12.345Z');
    const id = '0b9c7f6e-2d4a-4c1b-8e3f-5a6b7c8d9e0f';
    expect(decodeCursor(encodeCursor(ts, id))).toEqual({ ts, id });
  });

  it('rejects tampered cursors with a 400', () => {
    for (const bad of ['garbage', Buffer.from('2024-01-01|not-a-uuid').toString('base64url'), Buffer.from("x|y|z").toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(HttpError);
    }
  });

  it('passes through an absent cursor', () => {
    expect(decodeCursor(undefined)).toBeUndefined();
  });
});
