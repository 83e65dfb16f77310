// `ai-observer extension pair|unpair|status`: pairs the browser extension with the agent (a
// new pairing code, shown once; the agent keeps only its hash), forgets the pairing, or says
// what is paired and what each browser has sent.

import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load.ts';
import { resolvePaths } from '../../config/paths.ts';
import {
  EXTENSION_ORIGIN,
  newPairingCode,
  pairingFor,
  pairingPath,
  readPairing,
  removePairing,
  writePairing,
} from '../../ingest/extension/pairing.ts';
import { openLedger } from '../../ledger/open.ts';
import { agentUrl } from '../agent-url.ts';
import { UsageError } from '../usage-error.ts';

export const EXTENSION_HELP = `Usage: ai-observer extension pair [--origin chrome-extension://<id>] [--json]
       ai-observer extension unpair
       ai-observer extension status [--json]

pair    makes a new pairing code and shows it once: paste it, with the agent's address, in the
        extension's options. A code made before stops working. The extension that pairs first
        with it is the only one the agent then takes (its chrome-extension:// origin), unless
        --origin names it now.
unpair  forgets the pairing: the extension's requests are refused until it is paired again.
status  whether an extension is paired, its origin, and the events each browser sent.`;

export async function extension(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      origin: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [sub, ...rest] = positionals;
  if (values.help) {
    console.log(EXTENSION_HELP);
    return 0;
  }
  if (rest.length > 0) throw new UsageError(`extension ${sub} takes no argument "${rest[0]}"`);
  if (values.origin !== undefined && sub !== 'pair') {
    throw new UsageError('--origin goes with "extension pair"');
  }
  const paths = resolvePaths(process.env);
  const file = pairingPath(paths.dataDir);
  if (sub === 'pair') {
    const origin = values.origin?.replace(/\/+$/, '') ?? null;
    if (origin !== null && !EXTENSION_ORIGIN.test(origin)) {
      throw new UsageError(
        `--origin must be chrome-extension:// and the extension's 32-letter id, got "${values.origin}"`,
      );
    }
    const code = newPairingCode();
    writePairing(file, pairingFor(code, origin, Date.now()));
    const url = agentUrl(undefined);
    if (values.json) {
      console.log(JSON.stringify({ code, agent: url, origin, file }));
      return 0;
    }
    console.log(`Pairing code: ${code}

In the browser: ai-observer extension → Options, paste the code, agent address ${url}, Save.
${origin === null ? 'The first extension to pair with this code is the one the agent takes.' : `Only ${origin} is taken.`}
The code is shown this once; the agent keeps only its hash (${file}, mode 0600).`);
    return 0;
  }
  if (sub === 'unpair') {
    const removed = removePairing(file);
    console.log(
      removed
        ? 'Unpaired: the agent refuses the extension until "ai-observer extension pair" runs again.'
        : 'No extension was paired.',
    );
    return 0;
  }
  if (sub === 'status') {
    const pairing = readPairing(file);
    const config = loadConfig(paths.configFile, process.env);
    const ledger = await openLedger({ config, paths, index: false });
    let taken: ReturnType<typeof ledger.store.takenEvents>;
    try {
      taken = ledger.store.takenEvents();
    } finally {
      ledger.close();
    }
    const browsers = taken
      .filter((t) => t.origin.startsWith('extension:'))
      .map((t) => ({
        browser: t.origin.slice('extension:'.length),
        events: t.events,
        lastAt: new Date(t.lastAt).toISOString(),
      }));
    if (values.json) {
      console.log(
        JSON.stringify({
          paired: pairing !== undefined,
          origin: pairing?.origin ?? null,
          pairedAt: pairing === undefined ? null : new Date(pairing.pairedAt).toISOString(),
          browsers,
        }),
      );
      return 0;
    }
    if (pairing === undefined) console.log('Not paired: run "ai-observer extension pair".');
    else {
      const when = new Date(pairing.pairedAt).toISOString();
      console.log(
        pairing.origin === null
          ? `Pairing code made ${when}; no extension has paired with it yet.`
          : `Paired with ${pairing.origin} (code made ${when}).`,
      );
    }
    for (const b of browsers) {
      console.log(`  ${b.browser}: ${b.events} events in the last 35 days, last at ${b.lastAt}`);
    }
    return 0;
  }
  throw new UsageError(
    sub === undefined
      ? 'extension needs pair, unpair or status'
      : `unknown extension command "${sub}"; use pair, unpair or status`,
  );
}
