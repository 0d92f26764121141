import { open } from 'node:fs/promises';
import path from 'node:path';
import { config } from '../config';
import { DaemonError, ValidationError } from '../utils/errors';
import { optionalString, optionalStringArray, type Tool, type ToolContext, type ToolResult } from './common';

const MAX_FILES = 25;

const REVIEW_PROMPT = `You are reviewing code for correctness, security and maintainability.
For each issue give: severity (critical/high/medium/low), file, line, and a concrete fix.
Be terse. Do not restate the code.`;

async function readFileForContext(relOrAbs: string): Promise<{ path: string; text: string }> {
  const full = path.resolve(config.tools.workspaceRoot, relOrAbs);
  const fh = await open(full, 'r');
  const stat = await fh.stat();
  if (!stat.isFile()) {
    throw new ValidationError(`not a regular file: ${relOrAbs}`);
  }
  if (stat.size > config.tools.maxFileBytes) {
    throw new ValidationError(`file too large: ${relOrAbs}`, { size: stat.size });
  }
  try {
    const buf = await fh.readFile();
    return { path: path.relative(config.tools.workspaceRoot, full), text: buf.toString('utf8') };
  } finally {
    await fh.close();
  }
}

function numberLines(text: string): string {
  return text
    .split('\n')
    .map((line, i) => `${String(i + 1).padStart(5, ' ')}| ${line}`)
    .join('\n');
}

export const codeReviewTool: Tool = {
  name: 'codereview',
  description: 'Review one or more workspace files and report issues with severity and line numbers.',
  inputSchema: {
    type: 'object',
    required: ['files'],
    properties: {
      files: { type: 'array', items: { type: 'string' }, maxItems: MAX_FILES },
      focus: { type: 'string' },
      model: { type: 'string' },
    },
  },

  async run(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult> {
    const files = optionalStringArray(args, 'files', MAX_FILES);
    if (files.length === 0) {
      throw new ValidationError("'files' must contain at least one path");
    }
    const focus = optionalString(args, 'focus', { maxLen: 2_000 }) ?? 'general review';
    const model = optionalString(args, 'model', { maxLen: 128, pattern: /^[\w.:/-]+$/ });

    const provider = ctx.registry.resolve(model, config.providers.defaultProvider);
    if (!provider) throw new DaemonError('NOT_FOUND', 'no provider available');

    const sections: string[] = [];
    for (const f of files) {
      ctx.progress(`reading ${f}`);
      const { path: rel, text } = await readFileForContext(f);
      sections.push(`=== ${rel} ===\n${numberLines(text)}`);
    }

    const userPrompt = `Focus: ${focus}\n\n${sections.join('\n\n')}`;
    if (userPrompt.length > config.tools.maxPromptChars) {
      throw new ValidationError('combined file content exceeds prompt budget', {
        chars: userPrompt.length,
        limit: config.tools.maxPromptChars,
      });
    }

    ctx.progress(`sending ${files.length} file(s) to ${provider.name}`);
    const res = await provider.chat({
      model: model?.includes(':') ? model.split(':', 2)[1] : model,
      messages: [
        { role: 'system', content: REVIEW_PROMPT },
        { role: 'user', content: userPrompt },
      ],
      temperature: 0.2,
      signal: ctx.signal,
    });

    return {
      provider: res.provider,
      model: res.model,
      outputs: [{ type: 'text', text: res.content }],
    };
  },
};
