// The window in front as each desktop's tool prints it, and how to ask which desktop.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foregroundMethod } from '../../src/sources/foreground/index.ts';
import {
  parseHyprctl,
  parseOsascript,
  parseSwayTree,
  parseWindowsForeground,
  parseXpropActive,
  parseXpropWindow,
} from '../../src/sources/foreground/parse.ts';

test('Sway: the focused window deep in the tree, Wayland app_id or X11 class', () => {
  const tree = {
    id: 1,
    type: 'root',
    focused: false,
    nodes: [
      { id: 2, type: 'output', name: '__i3', nodes: [] },
      {
        id: 3,
        type: 'output',
        nodes: [
          {
            id: 4,
            type: 'workspace',
            focused: false,
            nodes: [
              { id: 5, type: 'con', focused: false, pid: 300, app_id: 'foot', name: 'title' },
              {
                id: 6,
                type: 'con',
                focused: false,
                nodes: [
                  {
                    id: 7,
                    type: 'con',
                    focused: true,
                    pid: 812,
                    app_id: null,
                    window_properties: { class: 'Cursor', title: 'x' },
                  },
                ],
              },
            ],
            floating_nodes: [
              { id: 8, type: 'floating_con', focused: false, pid: 900, app_id: 'claude-desktop' },
            ],
          },
        ],
      },
    ],
  };
  assert.deepEqual(parseSwayTree(JSON.stringify(tree)), { pid: 812, className: 'Cursor' });
  tree.nodes[1]!.nodes![0]!.nodes![1]!.nodes![0]!.focused = false;
  (tree.nodes[1]!.nodes![0]!.floating_nodes![0] as { focused: boolean }).focused = true;
  assert.deepEqual(parseSwayTree(JSON.stringify(tree)), { pid: 900, className: 'claude-desktop' });
  assert.equal(
    parseSwayTree(
      JSON.stringify({ type: 'root', nodes: [{ type: 'workspace', focused: true, nodes: [] }] }),
    ),
    undefined,
  );
});

test('Hyprland: activewindow -j, and {} for none', () => {
  const json =
    '{"address":"0x55d1","mapped":true,"at":[0,0],"size":[1920,1080],"workspace":{"id":1,"name":"1"},"floating":false,"pid":4242,"class":"ChatGPT","title":"x","initialClass":"ChatGPT"}';
  assert.deepEqual(parseHyprctl(json), { pid: 4242, className: 'ChatGPT' });
  assert.equal(parseHyprctl('{}'), undefined);
  assert.equal(parseHyprctl('Invalid'), undefined);
});

test('X11: xprop root and window properties', () => {
  assert.equal(
    parseXpropActive('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x3a00007\n'),
    '0x3a00007',
  );
  assert.equal(parseXpropActive('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x0\n'), undefined);
  assert.deepEqual(
    parseXpropWindow('WM_CLASS(STRING) = "cursor", "Cursor"\n_NET_WM_PID(CARDINAL) = 5123\n'),
    { pid: 5123, className: 'Cursor' },
  );
  assert.deepEqual(parseXpropWindow('WM_CLASS:  not found.\n_NET_WM_PID:  not found.\n'), {
    pid: undefined,
    className: '',
  });
});

test('macOS osascript and Windows PowerShell answers', () => {
  assert.deepEqual(parseOsascript('Claude\t612\n'), { pid: 612, className: 'Claude' });
  assert.equal(parseOsascript('\n'), undefined);
  assert.deepEqual(parseWindowsForeground('5120\tclaude\r\n'), { pid: 5120, className: 'claude' });
  assert.equal(parseWindowsForeground('0\t\r\n'), undefined, 'a locked screen');
});

test('which desktop to ask', () => {
  assert.equal(foregroundMethod('linux', { SWAYSOCK: '/run/s', DISPLAY: ':0' }), 'sway');
  assert.equal(foregroundMethod('linux', { HYPRLAND_INSTANCE_SIGNATURE: 'x' }), 'hyprland');
  assert.equal(foregroundMethod('linux', { DISPLAY: ':0' }), 'x11');
  assert.equal(
    foregroundMethod('linux', { WAYLAND_DISPLAY: 'wayland-0' }),
    undefined,
    'GNOME/KDE on Wayland: unknown',
  );
  assert.equal(foregroundMethod('darwin', {}), 'macos');
  assert.equal(foregroundMethod('win32', {}), 'windows');
});
