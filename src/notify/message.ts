// What a desktop notification says about a session transition. Pure: no I/O, no `node:` imports.
//
// Privacy: a notification names only the tool, the project folder name, a short session id and
// a short fixed detail ("permission requested"). Prompt text, responses and command lines never
// reach it; a detail longer than DETAIL_MAX is taken for free text and dropped, not truncated.

export type Urgency = 'normal' | 'critical';

export interface Notification {
  title: string;
  body: string;
  urgency: Urgency;
}

/** A session state change worth telling the user about. */
export interface SessionTransition {
  sessionId: string;
  tool: string;
  /** Project directory (a path or a folder name); only its last segment is shown. */
  project: string | undefined;
  from: string;
  to: 'completed' | 'waiting';
  /** A short fixed label such as "permission requested"; never prompt or command text. */
  detail?: string;
}

/** A program and its argv, run without a shell. */
export interface CommandLine {
  file: string;
  args: string[];
}

const TOOL_NAMES: Readonly<Record<string, string>> = {
  'claude-code': 'Claude Code',
  codex: 'Codex',
  'gemini-cli': 'Gemini CLI',
};

const SHORT_ID_LENGTH = 8;
const DETAIL_MAX = 40;
const PROJECT_MAX = 60;
const TOOL_MAX = 40;

/** The name a user knows a tool by; an unknown tool keeps its raw (cleaned) name. */
export function toolDisplayName(tool: string): string {
  const known = TOOL_NAMES[tool];
  if (known !== undefined) return known;
  return truncate(cleanText(tool), TOOL_MAX) || 'AI agent';
}

/** The first characters of a session id, enough to tell sessions apart. */
export function shortSessionId(sessionId: string): string {
  return cleanText(sessionId).replace(/\s+/g, '').slice(0, SHORT_ID_LENGTH);
}

/** The last segment of a project path ("/home/u/src/app/" → "app"). */
export function projectName(project: string | undefined): string | undefined {
  if (project === undefined) return undefined;
  const segments = project.split(/[\\/]+/).filter((s) => s.trim() !== '');
  const last = segments.at(-1);
  if (last === undefined) return undefined;
  const name = truncate(cleanText(last), PROJECT_MAX);
  return name === '' ? undefined : name;
}

/** Control characters (line breaks included) become spaces; runs of whitespace collapse. */
export function cleanText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const control =
      code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029;
    out += control ? ' ' : ch;
  }
  return out.replace(/\s+/g, ' ').trim();
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export function notificationFor(transition: SessionTransition): Notification {
  const tool = toolDisplayName(transition.tool);
  const waiting = transition.to === 'waiting';
  const title = waiting ? `${tool} needs you` : `${tool} finished`;

  const parts: string[] = [];
  const project = projectName(transition.project);
  if (project !== undefined) parts.push(project);
  const id = shortSessionId(transition.sessionId);
  if (id !== '') parts.push(`session ${id}`);
  if (transition.detail !== undefined) {
    const detail = cleanText(transition.detail);
    if (detail !== '' && Array.from(detail).length <= DETAIL_MAX) parts.push(detail);
  }
  const body =
    parts.length > 0 ? parts.join(' · ') : waiting ? 'Waiting for input' : 'Turn complete';

  return { title, body, urgency: waiting ? 'critical' : 'normal' };
}
