// Windows: a toast through Windows.UI.Notifications, run by Windows PowerShell 5.1 with
// `-EncodedCommand`, so no text is ever parsed by a shell or by PowerShell's command line.
//
// Text safety: the title and body are XML-escaped, and every non-ASCII character becomes a
// numeric character reference. The toast XML is then plain ASCII without any quote character
// of its own, which makes it inert inside a PowerShell single-quoted literal: such a literal has
// no escapes and no expansion, and ends only at a quote (' or one of the typographic quotes
// PowerShell also accepts, which are all non-ASCII and so never appear literally).

import { Buffer } from 'node:buffer';
import { type CommandLine, cleanText, type Notification } from './message.ts';

export const POWERSHELL = 'powershell.exe';

/** PowerShell's own AppUserModelID: toasts need a registered one to be shown. */
export const TOAST_APP_ID =
  '{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\\WindowsPowerShell\\v1.0\\powershell.exe';

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** XML text safe for element content and attributes, ASCII only (others as `&#N;`). */
export function xmlEscape(text: string): string {
  let out = '';
  for (const ch of cleanText(text)) {
    const entity = XML_ENTITIES[ch];
    if (entity !== undefined) out += entity;
    else {
      const code = ch.codePointAt(0) ?? 0;
      out += code > 0x7e ? `&#${code};` : ch;
    }
  }
  return out;
}

export function toastXml(n: Notification): string {
  const duration = n.urgency === 'critical' ? ' duration="long"' : '';
  return (
    `<toast${duration}><visual><binding template="ToastGeneric">` +
    `<text>${xmlEscape(n.title)}</text><text>${xmlEscape(n.body)}</text>` +
    '</binding></visual></toast>'
  );
}

/** A PowerShell single-quoted literal; quote characters of every kind are doubled. */
export function psSingleQuoted(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

export function toastScript(n: Notification): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    '[void][Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime]',
    '[void][Windows.Data.Xml.Dom.XmlDocument, Windows.Data.Xml.Dom.XmlDocument, ContentType = WindowsRuntime]',
    '$xml = New-Object Windows.Data.Xml.Dom.XmlDocument',
    `$xml.LoadXml(${psSingleQuoted(toastXml(n))})`,
    '$toast = New-Object Windows.UI.Notifications.ToastNotification $xml',
    `[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier(${psSingleQuoted(TOAST_APP_ID)}).Show($toast)`,
  ].join('\n');
}

/** `-EncodedCommand` takes base64 of the script's UTF-16LE bytes. */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

export function windowsCommand(n: Notification, program: string = POWERSHELL): CommandLine {
  return {
    file: program,
    args: ['-NoProfile', '-NonInteractive', '-EncodedCommand', encodePowerShell(toastScript(n))],
  };
}
