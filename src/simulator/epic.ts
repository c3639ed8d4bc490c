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

const NOT_READ = 'has not been read';

/**
 * The default "implement the epic" script: write every deliverable the prompt names (one turn, parallel
 * Write calls), run the verify command (default `ls`), then end with a summary. Claude refuses to Write over
 * a file it has not read in this session, so writes refused that way are retried: Read them alongside the
 * verify command, write them again, then end.
 */
export const epicScenario = (ctx: ConversationContext): Scenario => {
  const d = readPromptDirectives(ctx.promptText);
  const command = d.verify ?? 'ls';
  const files = d.files.map((f) => ({ path: f.path, filePath: absolute(ctx.cwd, f.path), content: f.content ?? simulatedFileContent(f.path, d.title) }));
  const written = files.map((f) => f.path).join(', ');
  const summary: Step = {
    text:
      files.length > 0
        ? `Done: ${d.title}. Wrote ${files.length} file(s): ${written}. Ran \`${command}\`.`
        : `Done: ${d.title}. No deliverables were listed, so I wrote nothing. Ran \`${command}\`.`,
  };
  const verify = (c: ConversationContext): Step => {
    const refused = c.lastToolCalls.filter((call) => call.name === 'Write' && c.lastToolResults.some((r) => r.toolUseId === call.id && r.isError && r.content.includes(NOT_READ)));
    return {
      text: refused.length > 0 ? 'Some files already exist; reading them, then checking the result.' : 'Checking the result.',
      tools: [
        ...refused.map((call) => ({ name: 'Read', input: { file_path: call.input.file_path } })),
        { name: 'Bash', input: { command, description: 'Check the work' } },
      ],
    };
  };
  const rewrite = (c: ConversationContext): Step => {
    const read = new Set(c.lastToolCalls.filter((call) => call.name === 'Read').map((call) => call.input.file_path));
    const again = files.filter((f) => read.has(f.filePath));
    if (again.length === 0) return summary;
    return { text: 'Updating the existing files.', tools: again.map((f) => ({ name: 'Write', input: { file_path: f.filePath, content: f.content } })) };
  };
  if (files.length === 0) return [verify, summary];
  const write: Step = {
    text: `I'll create ${files.length} file(s) for: ${d.title}`,
    tools: files.map((f) => ({ name: 'Write', input: { file_path: f.filePath, content: f.content } })),
  };
  return [write, verify, rewrite, summary];
};
