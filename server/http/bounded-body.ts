import "server-only";

/**
 * A body's bytes, read up to `limit`: null when it is larger, said by its Content-Length (nothing is
 * read) or seen while reading (the read stops there). Either way the stream is cancelled, so the rest
 * is never held in memory. For the JSON bodies Ticket Hub accepts (body.ts) and the vendors' answers
 * (vendors/http.ts).
 */
export async function readBounded(body: ReadableStream<Uint8Array> | null, contentLength: string | null, limit: number): Promise<Buffer | null> {
  if (Number(contentLength ?? "") > limit) {
    await body?.cancel().catch(() => {});
    return null;
  }
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
