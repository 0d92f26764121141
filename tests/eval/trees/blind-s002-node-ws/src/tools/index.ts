import { chatTool } from './chat';
import { codeReviewTool } from './codeReview';
import { listModelsTool } from './listModels';
import type { Tool } from './common';

const TOOLS: Tool[] = [chatTool, codeReviewTool, listModelsTool];

const byName = new Map<string, Tool>(TOOLS.map((t) => [t.name, t]));

export function getTool(name: string): Tool | undefined {
  return byName.get(name);
}

export function describeTools(): Array<{ name: string; description: string; inputSchema: unknown }> {
  return TOOLS.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }));
}

export type { Tool, ToolContext, ToolResult } from './common';
