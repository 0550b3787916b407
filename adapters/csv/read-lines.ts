import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

/** Bytes read at a time: a 250,000-row deck is a dozen reads, each split into lines in one go. */
const CHUNK_BYTES = 1 << 20;

const LF = 10;
const CR = 13;

/**
 * The lines of a text file (UTF-8), read in large chunks: each chunk's complete lines as one
 * array, in order, so callers go through a chunk synchronously and the event loop runs between
 * chunks. Lines end where readline ends them (`\n`, `\r\n` or a lone `\r`), so line numbers
 * counted over them are the ones an editor shows. A last line without its line end is a line.
 */
export async function* readLines(path: string, chunkBytes = CHUNK_BYTES): AsyncGenerator<string[]> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, chunkBytes, null);
      const last = bytesRead === 0;
      const text = carry + (last ? decoder.end() : decoder.write(buffer.subarray(0, bytesRead)));
      const lines: string[] = [];
      let start = 0;
      // where the next `\r` is (-1: none after `start`), looked up again only once passed
      let cr = text.indexOf('\r');
      for (;;) {
        const lf = text.indexOf('\n', start);
        if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
        const end = cr !== -1 && (lf === -1 || cr < lf) ? cr : lf;
        if (end === -1) break;
        // a `\r` ending the chunk may be the first half of a `\r\n` the next read brings
        if (end === cr && end === text.length - 1 && !last) break;
        lines.push(text.slice(start, end));
        start = end + (text.charCodeAt(end) === CR && text.charCodeAt(end + 1) === LF ? 2 : 1);
      }
      carry = text.slice(start);
      if (last && carry !== '') lines.push(carry);
      if (lines.length > 0) yield lines;
      if (last) return;
    }
  } finally {
    await file.close();
  }
}
