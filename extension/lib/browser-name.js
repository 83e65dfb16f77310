// The browser's real name: every Chromium-family browser says "Chrome" in its user agent, so
// the client hints' brands are asked first (Edge, Opera, Brave and Chrome put theirs there),
// then the user agent's own tokens, then Brave's navigator.brave.

/** @typedef {{ brand: string, version: string }} Brand */
/** @typedef {{ brands?: readonly Brand[] | undefined, userAgent: string, isBrave?: boolean }} Hints */

/** Brand names as browsers report them → the name the agent records. */
const BRANDS = /** @type {const} */ ([
  ['Microsoft Edge', 'Edge'],
  ['Opera GX', 'Opera'],
  ['Opera', 'Opera'],
  ['Brave', 'Brave'],
  ['Vivaldi', 'Vivaldi'],
  ['Google Chrome', 'Chrome'],
]);

/** User-agent tokens of browsers that leave their brand out of the client hints. */
const UA_TOKENS = /** @type {const} */ ([
  [/\bEdg\/([\d.]+)/, 'Edge'],
  [/\bOPR\/([\d.]+)/, 'Opera'],
  [/\bVivaldi\/([\d.]+)/, 'Vivaldi'],
]);

/**
 * @param {Hints} hints
 * @returns {{ name: string, version: string }}
 */
export function browserName(hints) {
  const brands = hints.brands ?? [];
  const chromium = brands.find((b) => b.brand === 'Chromium');
  const uaChrome = /\b(?:Headless)?Chrome\/([\d.]+)/.exec(hints.userAgent)?.[1];
  const engine = chromium?.version ?? uaChrome?.split('.')[0] ?? '0';
  for (const [brand, name] of BRANDS) {
    const b = brands.find((x) => x.brand === brand);
    if (b !== undefined) return { name, version: b.version };
  }
  for (const [re, name] of UA_TOKENS) {
    const m = re.exec(hints.userAgent);
    if (m !== null) return { name, version: (m[1] ?? engine).split('.')[0] ?? engine };
  }
  if (hints.isBrave === true) return { name: 'Brave', version: engine };
  return { name: 'Chromium', version: engine };
}
