import { Readable } from 'node:stream';

/** `bytes` zero bytes, produced lazily so nothing holds them: the payload of zip-bomb and oversize tests. */
export function zeroStream(bytes: number): Readable {
  const chunk = Buffer.alloc(1024 * 1024);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) {
        this.push(null);
        return;
      }
      const size = Math.min(chunk.length, bytes - sent);
      sent += size;
      this.push(size === chunk.length ? chunk : chunk.subarray(0, size));
    },
  });
}
