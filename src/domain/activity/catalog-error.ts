// A catalog that cannot be used, by itself: the command line tells it apart from other errors
// without loading the catalog's code.

export class CatalogError extends Error {
  override name = 'CatalogError';
}
