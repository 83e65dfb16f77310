// waybar's custom-module JSON: text, tooltip, class (for CSS) and alt (for format-icons).

import type { SessionListMessage } from '../../domain/session-view.ts';
import { renderSummary, renderTable } from './text.ts';

export interface WaybarLine {
  text: string;
  tooltip: string;
  class: string;
  alt: string;
}

export function renderWaybar(msg: SessionListMessage, connected = true): WaybarLine {
  if (!connected) {
    return {
      text: 'off',
      tooltip: 'ai-observer agent is not running',
      class: 'offline',
      alt: 'offline',
    };
  }
  const state = msg.has_waiting
    ? 'waiting'
    : msg.has_working
      ? 'working'
      : msg.has_completed
        ? 'completed'
        : msg.sessions.length > 0
          ? 'idle'
          : 'none';
  return { text: renderSummary(msg), tooltip: renderTable(msg), class: state, alt: state };
}
