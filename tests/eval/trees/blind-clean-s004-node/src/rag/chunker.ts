export interface ChunkOptions {
  maxChars: number;
  overlapChars: number;
}

export interface TextChunk {
  ordinal: number;
  content: string;
  tokenEstimate: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { maxChars: 1_500, overlapChars: 200 };

/** Rough English heuristic (~4 chars per token); used only for budgeting. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function normaliseText(raw: string): string {
  return raw
    .replace(/\r\n?/g, '\n')
    // Drop control characters other than tab and newline.
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Splits on paragraph boundaries where possible, falling back to sentence and
 * finally hard cuts, with a fixed character overlap between neighbours.
 */
export function chunkText(raw: string, opts: ChunkOptions = DEFAULT_CHUNKING): TextChunk[] {
  if (opts.maxChars < 100) throw new RangeError('maxChars must be >= 100');
  if (opts.overlapChars < 0 || opts.overlapChars >= opts.maxChars / 2) {
    throw new RangeError('overlapChars must be in [0, maxChars/2)');
  }

  const text = normaliseText(raw);
  if (!text) return [];

  const chunks: TextChunk[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + opts.maxChars);
    if (end < text.length) {
      const window = text.slice(start, end);
      const para = window.lastIndexOf('\n\n');
      const sentence = Math.max(window.lastIndexOf('. '), window.lastIndexOf('.\n'));
      const minBreak = Math.floor(opts.maxChars * 0.5);
      if (para >= minBreak) end = start + para;
      else if (sentence >= minBreak) end = start + sentence + 1;
    }
    const content = text.slice(start, end).trim();
    if (content) {
      chunks.push({ ordinal: chunks.length, content, tokenEstimate: estimateTokens(content) });
    }
    if (end >= text.length) break;
    // Guaranteed forward progress: end - overlap > start because the break
    // point is at least maxChars/2 past start and overlap < maxChars/2.
    start = end - opts.overlapChars;
  }
  return chunks;
}
