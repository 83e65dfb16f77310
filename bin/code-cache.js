// Runs the bundle (dist/main.js) from V8 code cached after a command of the same kind ran.
// Node's own compile cache (module.enableCompileCache) keeps only what V8 compiles up front: a
// module's top level. Every function a command calls is then parsed and compiled again on each
// run, ~5 ms of a warm report. V8 can cache those too when asked after they ran
// (Script#createCachedData), so the bundle is compiled here, from one vm.Script per command
// kind, and its cache is written once that command has succeeded. The cache sits beside
// Node's (its directory already names the Node version, V8 flags and user) and is safe to
// delete; a cache V8 refuses is written anew.

const {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

/** The last line of a bundle: the hash scripts/build.ts took of it (bundle-text.ts). */
const BUILD_MARK = '\n// build ';

/**
 * Loads `file` (a CommonJS bundle exporting `main(argv)`) and runs `main(argv)`.
 * @param {string} file
 * @param {string[]} argv
 * @param {string | undefined} cacheRoot a directory for the cache; undefined: no cache
 * @returns {Promise<number>} the exit code
 */
function runBundle(file, argv, cacheRoot) {
  // A bundle the build wrote is ASCII (scripts/bundle-text.ts): latin1 is then its exact
  // decoding, and skips the UTF-8 check of ~0.6 MB.
  const bytes = readFileSync(file);
  const ascii = bytes.toString('latin1');
  const build = buildHash(ascii);
  const source = build === undefined ? bytes.toString('utf8') : ascii;
  const cache =
    cacheRoot === undefined || build === undefined
      ? undefined
      : cachePath(cacheRoot, file, build, argv);
  /** @type {Buffer | undefined} */
  let cachedData;
  if (cache !== undefined && ownDirectory(cache.dir)) {
    try {
      cachedData = readFileSync(cache.path);
    } catch {
      // none yet: written after this run
    }
  }
  // The wrapper Node's CommonJS loader puts around a module, on the same line: positions in
  // stack traces stay those of the file.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: file, ...(cachedData === undefined ? {} : { cachedData }) },
  );
  const module = { exports: /** @type {{ main(argv: string[]): Promise<number> }} */ ({}) };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const done = module.exports.main(argv);
  if (cache === undefined || (cachedData !== undefined && !script.cachedDataRejected)) return done;
  return done.then((code) => {
    // A failed command (a usage error, say) ran too little of the code to be worth keeping.
    if (code === 0) saveCache(script, cache);
    return code;
  });
}

/**
 * The hash on a bundle's last line, which only scripts/build.ts writes; undefined for another
 * file.
 * @param {string} text
 */
function buildHash(text) {
  const at = text.lastIndexOf(BUILD_MARK);
  if (at < 0) return undefined;
  const hash = text.slice(at + BUILD_MARK.length).trimEnd();
  return /^[0-9a-f]{16,64}$/.test(hash) ? hash : undefined;
}

/**
 * Where the cache of this build, for this kind of command, lives. The build's hash tells one
 * build from another even when npm gives their files the same size and mtime; the file's
 * size and mtime catch a bundle edited by hand. V8 checks its own version and flags.
 * @param {string} root
 * @param {string} file
 * @param {string} hash
 * @param {string[]} argv
 * @returns {{ dir: string, path: string, build: string }}
 */
function cachePath(root, file, hash, argv) {
  const st = statSync(file);
  const build = `${hash}-${st.size}-${Math.trunc(st.mtimeMs)}`;
  const dir = join(root, 'ai-observer');
  return { dir, path: join(dir, `${build}.${commandKind(argv)}.cache`), build };
}

/**
 * Whether `dir` is this user's alone (or missing, to be made so): the cache is code this
 * process runs, so one that another user could have put there is not read. Node's compile cache
 * directory is in the shared temp dir by default.
 * @param {string} dir
 */
function ownDirectory(dir) {
  let st;
  try {
    st = statSync(dir);
  } catch {
    return true;
  }
  const uid = process.getuid?.();
  return st.isDirectory() && (uid === undefined || (st.uid === uid && (st.mode & 0o022) === 0));
}

/**
 * `report-daily`, `statusline`, `hook-claude`: the words that choose what code runs, so that
 * each kind of command keeps the functions it calls. Options and values (a session id, a
 * path) are left out: command words are short and all letters.
 * @param {string[]} argv
 */
function commandKind(argv) {
  const words = [];
  for (const a of argv.slice(0, 2)) {
    if (!/^[a-z]{2,12}$/.test(a)) break;
    words.push(a);
  }
  return words.length === 0 ? 'main' : words.join('-');
}

/**
 * Files of other builds (and leftovers of writes that died) are removed when a day old: an
 * install since replaced, not one still in use beside this one.
 */
const STALE_MS = 24 * 60 * 60 * 1000;

/**
 * Writes the code V8 holds now for the bundle (what ran included), by a rename so a reader
 * never sees half a file, and removes stale caches of other builds. A failure costs only speed.
 * @param {Script} script
 * @param {{ dir: string, path: string, build: string }} cache
 */
function saveCache(script, cache) {
  try {
    mkdirSync(cache.dir, { recursive: true, mode: 0o700 });
    if (!ownDirectory(cache.dir)) return;
    for (const name of readdirSync(cache.dir)) {
      if (name.startsWith(`${cache.build}.`) && name.endsWith('.cache')) continue;
      removeIfStale(join(cache.dir, name));
    }
    const tmp = `${cache.path}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cache.path);
  } catch {
    // read-only or full: the next run compiles as this one did
  }
}

/** @param {string} file */
function removeIfStale(file) {
  try {
    if (Date.now() - statSync(file).mtimeMs > STALE_MS) rmSync(file, { force: true });
  } catch {
    // gone already, or not ours to remove
  }
}

module.exports = { runBundle, commandKind };
