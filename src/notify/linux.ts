// Linux (and other freedesktop systems): libnotify's `notify-send`.

import { type CommandLine, cleanText, type Notification } from './message.ts';

export const NOTIFY_SEND = 'notify-send';

/**
 * `notify-send --app-name=ai-observer --urgency=<u> -- <title> <body>`. The `--` keeps a title
 * or body that starts with "-" from being read as an option.
 */
export function linuxCommand(n: Notification, program: string = NOTIFY_SEND): CommandLine {
  return {
    file: program,
    args: [
      '--app-name=ai-observer',
      `--urgency=${n.urgency}`,
      '--',
      cleanText(n.title),
      cleanText(n.body),
    ],
  };
}
