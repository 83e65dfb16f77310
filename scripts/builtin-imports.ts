// Rewrites a bundle's static imports of Node's built-in modules into process.getBuiltinModule
// calls. An ESM import of a built-in builds a module facade that reads every export once, and
// so runs the lazy getters behind them (node:fs alone loads its streams, promises and watchers
// that way): ~5 ms of a report's or the status line's start-up for modules they never use.
// getBuiltinModule returns the module's exports object as it is, so only what is touched loads.

const STATIC_BUILTIN_IMPORT = /^import (\{[^}]*\}|\* as [\w$]+|[\w$]+) from "(node:[a-z_/]+)";$/gm;

export function useBuiltinModule(code: string): string {
  return code.replace(STATIC_BUILTIN_IMPORT, (_all, what: string, specifier: string) => {
    const get = `process.getBuiltinModule(${JSON.stringify(specifier)})`;
    if (!what.startsWith('{')) return `const ${what.replace(/^\* as /, '')} = ${get};`;
    const names = what
      .slice(1, -1)
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '')
      .map((n) => n.replace(/\s+as\s+/, ': '));
    return `const { ${names.join(', ')} } = ${get};`;
  });
}
