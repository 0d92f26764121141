import { describe, expect, it } from 'vitest';
import { chunkText, normaliseText } from '../src/rag/chunker';

describe('chunkText', () => {
  it('returns nothing for blank input', () => {
    expect(chunkText('  \n\n \t ')).toEqual([]);
  });

  it('keeps short text in one chunk', () => {
    const chunks = chunkText('Senior engineer. Ten years of Go.');
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.ordinal).toBe(0);
  });

  it('never exceeds maxChars and always makes progress', () => {
    const text = Array.from({ length: 400 }, (_, i) => `Sentence number ${i} about a project.`).join(' ');
    const chunks = chunkText(text, { maxChars: 300, overlapChars: 50 });
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(c.content.length).toBeLessThanOrEqual(300);
    expect(chunks.map((c) => c.ordinal)).toEqual(chunks.map((_, i) => i));
  });

  it('handles text with no break points', () => {
    const chunks = chunkText('x'.repeat(1_000), { maxChars: 200, overlapChars: 20 });
    expect(chunks.length).toBe(6);
  });

  it('rejects an overlap that could stall progress', () => {
    expect(() => chunkText('abc', { maxChars: 200, overlapChars: 150 })).toThrow(RangeError);
  });

  it('strips control characters and normalises newlines', () => {
    expect(normaliseText('a\r\nb\u0000c\n\n\n\nd')).toBe('a\nbc\n\nd');
  });
});
