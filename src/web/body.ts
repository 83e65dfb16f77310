// Reads a request body with a hard size limit, before and after decompression.

import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';

export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** Collects the raw body; rejects with 413 as soon as it passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(
      new HttpError(413, `request body of ${declared} bytes is over the limit of ${limit} bytes`),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.resume();
        reject(new HttpError(413, `request body is over the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(new HttpError(400, `error reading the request body: ${err.message}`));
    });
    req.on('aborted', () => {
      if (done) return;
      done = true;
      reject(new HttpError(400, 'the client aborted the request'));
    });
  });
}

/** Undoes Content-Encoding; a gzip bomb is caught by the same limit as a plain body. */
export function decodeContent(
  body: Buffer,
  encoding: string | undefined,
  limit: number,
): Promise<Buffer> {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return Promise.resolve(body);
  if (enc !== 'gzip') {
    return Promise.reject(new HttpError(415, `unsupported Content-Encoding "${enc}"; use gzip`));
  }
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: limit }, (err, out) => {
      if (err === null) return resolve(out);
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        return reject(
          new HttpError(413, `decompressed request body is over the limit of ${limit} bytes`),
        );
      }
      reject(new HttpError(400, `invalid gzip body: ${err.message}`));
    });
  });
}
