// What every log source (Claude Code, Codex, Gemini CLI transcripts) provides to the indexer.
// A format is pure: it turns one complete line into a usage event, given the file's parser
// state; the indexer (sources/files/) does the reading, the cursors and the store.

import type { Tool, UsageEvent } from '../domain/events.ts';

/** One transcript file as the indexer found it. */
export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** The root directory it was found under (e.g. `~/.claude/projects`). */
  root: string;
}

export type ParsedLine =
  /** A billed model request. */
  | { kind: 'usage'; event: UsageEvent }
  /** A well-formed line that bills nothing (prompts, tool output, metadata). */
  | { kind: 'ignored' }
  /** A line that should have been a record and is not; the indexer counts it per file. */
  | { kind: 'malformed'; reason: string };

/**
 * One transcript format. `S` is the per-file parser state (session id, model, running totals):
 * JSON-serializable, because the indexer stores it with the file's cursor and resumes from it
 * after a restart without re-reading the file.
 */
export interface LogFormat<S> {
  tool: Tool;
  /**
   * When set, a line without this text never bills and never changes the state: the indexer
   * classifies it without decoding or parsing it (a big transcript is mostly prompts and tool
   * output), as `ignored` when it looks like one JSON object and `malformed` otherwise.
   */
  billingMarker?: string;
  /** Whether a file under a root (path relative to it, `/`-separated) is a transcript. */
  matches(relPath: string): boolean;
  /** The parser state at byte 0 of a file. */
  initialState(file: SourceFile): S;
  /**
   * One complete line (no newline) → what it means, and the next state when it changed.
   * Pure: never mutates `state`.
   */
  parseLine(line: string, state: S): { result: ParsedLine; state?: S };
  /**
   * `parseLine` for a line the indexer already found the billing marker in (it searched the
   * bytes): skips searching the text again. Same result as `parseLine` for such a line.
   */
  parseMarkedLine?(line: string, state: S): { result: ParsedLine; state?: S };
}

/** The directories a format's files live in, resolved from the environment and config. */
export interface SourceRoots {
  tool: Tool;
  roots: string[];
}
