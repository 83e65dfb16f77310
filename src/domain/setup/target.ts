// What `ai-observer setup` points each AI tool at: the agent's address and the command that
// runs ai-observer itself (the installed entry by default, so hooks work whatever PATH the
// tool gives them).

export type SetupTool = 'claude' | 'codex' | 'gemini';
export const SETUP_TOOLS: readonly SetupTool[] = ['claude', 'codex', 'gemini'];

export interface SetupTarget {
  /** The agent's OTLP/HTTP base URL, e.g. `http://127.0.0.1:4318`. */
  httpUrl: string;
  /** The argv that runs ai-observer: `[node, …/bin/ai-observer.js]` or `['ai-observer']`. */
  command: readonly string[];
  /** Take any command that runs ai-observer as set up (doctor: installed elsewhere is fine). */
  anyCommand?: boolean;
}

/** The result of planning one tool's settings: the new text and what the user should know. */
export interface SetupPlan {
  text: string;
  notes: string[];
  /** The settings that setup adds or changes, e.g. `env.OTEL_EXPORTER_OTLP_ENDPOINT`. */
  changed: string[];
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell (Claude Code runs hook commands through one). */
export function shellWord(word: string): string {
  return SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellWord).join(' ');
}

/** Whether a command line runs ai-observer's `<sub>` (ours, from any install or by hand). */
export function runsAiObserver(command: unknown, ...sub: string[]): boolean {
  if (typeof command !== 'string') return false;
  const re = new RegExp(`ai-observer(?:\\.[cm]?[jt]s)?['"]?\\s+${sub.join('\\s+')}(?:\\s|$)`);
  return re.test(command);
}
