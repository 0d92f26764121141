import type { ChunkInput } from '../db/repo';

export interface ChunkOptions {
  chunkSize: number;
  chunkOverlap: number;
}

const SEPARATORS = ['\n\n', '\n', '. ', ' '];

/** Rough token estimate (~4 chars per token for English text). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function normalizeText(raw: string): string {
  return raw
    .replace(/\r\n?/g, '\n')
    .replace(/\u0000/g, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Recursive character splitter: tries to split on paragraph, line, sentence
 * and word boundaries, in that order, so chunks stay under chunkSize.
 */
function split(text: string, chunkSize: number, separators: string[]): string[] {
  if (text.length <= chunkSize) return [text];

  const [separator, ...rest] = separators;
  if (separator === undefined) {
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += chunkSize) {
      pieces.push(text.slice(i, i + chunkSize));
    }
    return pieces;
  }

  const parts = text.split(separator);
  const out: string[] = [];
  let current = '';
  for (const part of parts) {
    const candidate = current ? current + separator + part : part;
    if (candidate.length <= chunkSize) {
      current = candidate;
      continue;
    }
    if (current) out.push(current);
    if (part.length > chunkSize) {
      out.push(...split(part, chunkSize, rest));
      current = '';
    } else {
      current = part;
    }
  }
  if (current) out.push(current);
  return out;
}

export function chunkText(raw: string, opts: ChunkOptions): ChunkInput[] {
  if (opts.chunkOverlap >= opts.chunkSize) {
    throw new Error('chunkOverlap must be smaller than chunkSize');
  }
  const text = normalizeText(raw);
  if (!text) return [];

  const pieces = split(text, opts.chunkSize - opts.chunkOverlap, SEPARATORS);
  const chunks: ChunkInput[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const prev = i > 0 ? pieces[i - 1] : '';
    const overlap = prev ? prev.slice(Math.max(0, prev.length - opts.chunkOverlap)) : '';
    const content = (overlap ? overlap + ' ' : '') + pieces[i];
    chunks.push({ index: i, content: content.trim(), tokenEstimate: estimateTokens(content) });
  }
  return chunks.filter((c) => c.content.length > 0);
}
