// The window in front, as each desktop reports it: Sway's tree, Hyprland's active window,
// X11 properties from xprop, macOS System Events through osascript, and Windows' foreground
// window through PowerShell. Pure; titles are never read.

/** The focused window: its process (when the desktop says) and class / app id / app name. */
export interface FocusedWindow {
  pid: number | undefined;
  className: string;
}

interface SwayNode {
  focused?: boolean;
  pid?: number;
  app_id?: string | null;
  window_properties?: { class?: string };
  nodes?: SwayNode[];
  floating_nodes?: SwayNode[];
}

// The tree is read as whatever JSON the command printed: a field of another type is absent.
function children(list: unknown): SwayNode[] {
  return Array.isArray(list) ? list : [];
}

function findFocused(node: unknown): SwayNode | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const n = node as SwayNode;
  if (n.focused === true) return n;
  for (const child of [...children(n.nodes), ...children(n.floating_nodes)]) {
    const hit = findFocused(child);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** A process id as the tools print it: a positive integer, else none. */
function pidOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

function nameOf(...candidates: unknown[]): string {
  for (const c of candidates) if (typeof c === 'string') return c;
  return '';
}

/** `swaymsg -t get_tree`: the focused node, when it is a window (not an empty workspace). */
export function parseSwayTree(json: string): FocusedWindow | undefined {
  const node = findFocused(JSON.parse(json));
  if (node === undefined || (node.pid === undefined && node.app_id === undefined)) return undefined;
  const props = node.window_properties;
  return {
    pid: pidOf(node.pid),
    className: nameOf(node.app_id, typeof props === 'object' && props !== null ? props.class : ''),
  };
}

/** `hyprctl activewindow -j`: `{}` when no window has focus. */
export function parseHyprctl(json: string): FocusedWindow | undefined {
  const text = json.trim();
  if (text === '' || text === '{}' || !text.startsWith('{')) return undefined;
  const w = JSON.parse(text) as { pid?: unknown; class?: unknown; initialClass?: unknown } | null;
  if (typeof w !== 'object' || w === null) return undefined;
  if (w.pid === undefined && w.class === undefined) return undefined;
  return { pid: pidOf(w.pid), className: nameOf(w.class, w.initialClass) };
}

/** `xprop -root _NET_ACTIVE_WINDOW` → the window id, or undefined for none (0x0). */
export function parseXpropActive(text: string): string | undefined {
  const m = /window id # (0x[0-9a-f]+)/i.exec(text);
  if (m === null || /^0x0+$/i.test(m[1]!)) return undefined;
  return m[1];
}

/** `xprop -id <id> WM_CLASS _NET_WM_PID`: the class (second WM_CLASS string) and the pid. */
export function parseXpropWindow(text: string): FocusedWindow {
  const cls = /WM_CLASS\([^)]*\) = "((?:[^"\\]|\\.)*)"(?:, "((?:[^"\\]|\\.)*)")?/.exec(text);
  const pid = /_NET_WM_PID\([^)]*\) = (\d+)/.exec(text);
  return {
    pid: pid === null ? undefined : Number(pid[1]),
    className: cls === null ? '' : (cls[2] ?? cls[1] ?? ''),
  };
}

export const OSASCRIPT_ARGS = [
  '-e',
  'tell application "System Events" to set p to first application process whose frontmost is true',
  '-e',
  'tell application "System Events" to return (name of p) & tab & (unix id of p)',
];

/** osascript's answer: `Claude<TAB>612`. */
export function parseOsascript(text: string): FocusedWindow | undefined {
  const [name, pid] = text.trim().split('\t');
  if (name === undefined || name === '') return undefined;
  const n = Number(pid);
  return { pid: Number.isInteger(n) && n > 0 ? n : undefined, className: name };
}

/** One line for the long-lived PowerShell: the foreground window's pid and process name. */
export const WINDOWS_FOREGROUND_SCRIPT =
  'if (-not (\'AiObserver.Fg\' -as [type])) { Add-Type -Namespace AiObserver -Name Fg -MemberDefinition \'[DllImport("user32.dll")] public static extern System.IntPtr GetForegroundWindow(); [DllImport("user32.dll")] public static extern uint GetWindowThreadProcessId(System.IntPtr h, out uint p);\' }; $fgPid = [uint32]0; [void][AiObserver.Fg]::GetWindowThreadProcessId([AiObserver.Fg]::GetForegroundWindow(), [ref]$fgPid); $fgName = (Get-Process -Id $fgPid -ErrorAction SilentlyContinue).ProcessName; Write-Output "$fgPid`t$fgName"';

/** WINDOWS_FOREGROUND_SCRIPT's answer: `5120<TAB>claude`; pid 0 is no window (a locked screen). */
export function parseWindowsForeground(text: string): FocusedWindow | undefined {
  const [pid, name] = text.trim().split('\t');
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0) return undefined;
  return { pid: n, className: name ?? '' };
}
