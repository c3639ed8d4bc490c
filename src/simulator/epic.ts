import { readPromptDirectives } from './prompt.js';
import type { ConversationContext, Scenario, Step } from './types.js';

const COMMENT: Record<string, string> = {
  ts: '//', tsx: '//', js: '//', mjs: '//', cjs: '//', jsx: '//', go: '//', rs: '//', java: '//', c: '//', h: '//',
  py: '#', sh: '#', rb: '#', yml: '#', yaml: '#', toml: '#',
};

const identifier = (path: string): string => {
  const base = path.split('/').pop()?.replace(/\.[^.]*$/, '') ?? 'file';
  const camel = base.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
  return /^[A-Za-z_]/.test(camel) ? camel : `_${camel}`;
};

/** Deterministic content for a deliverable the prompt did not spell out. */
export const simulatedFileContent = (path: string, title: string): string => {
  const ext = path.split('.').pop()?.toLowerCase() ?? '';
  const note = `Written by the simulated model (Orch test tooling) for: ${title || 'the task'}`;
  if (ext === 'md') return `# ${path.split('/').pop() ?? path}\n\n${note}\n`;
  if (ext === 'json') return `${JSON.stringify({ generatedBy: 'simulated model', task: title }, null, 2)}\n`;
  const comment = COMMENT[ext];
  if (comment === '//' && ['ts', 'tsx', 'js', 'mjs', 'cjs', 'jsx'].includes(ext)) {
    return `${comment} ${note}\nexport const ${identifier(path)} = ${JSON.stringify(path)};\n`;
  }
  return comment ? `${comment} ${note}\n` : `${note}\n`;
};

const absolute = (cwd: string | undefined, path: string): string => (cwd ? `${cwd.replace(/\/$/, '')}/${path}` : path);

/**
 * The default "implement the epic" script: write every deliverable the prompt names (one turn, parallel
 * Write calls), run the verify command (default `ls`), then end with a summary.
 */
export const epicScenario = (ctx: ConversationContext): Scenario => {
  const d = readPromptDirectives(ctx.promptText);
  const command = d.verify ?? 'ls';
  const steps: Step[] = [];
  if (d.files.length > 0) {
    steps.push({
      text: `I'll create ${d.files.length} file(s) for: ${d.title}`,
      tools: d.files.map((f) => ({
        name: 'Write',
        input: { file_path: absolute(ctx.cwd, f.path), content: f.content ?? simulatedFileContent(f.path, d.title) },
      })),
    });
  }
  steps.push({ text: 'Checking the result.', tools: [{ name: 'Bash', input: { command, description: 'Check the work' } }] });
  const written = d.files.map((f) => f.path).join(', ');
  steps.push({
    text:
      d.files.length > 0
        ? `Done: ${d.title}. Wrote ${d.files.length} file(s): ${written}. Ran \`${command}\`.`
        : `Done: ${d.title}. No deliverables were listed, so I wrote nothing. Ran \`${command}\`.`,
  });
  return steps;
};
