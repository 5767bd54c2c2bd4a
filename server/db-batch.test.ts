import { describe, expect, it } from "vitest";
import { IN_BATCH, inBatches } from "./db-batch";

describe("inBatches", () => {
  it("asks for at most IN_BATCH values at a time and returns every row, in order", async () => {
    const asked: number[] = [];
    const ids = Array.from({ length: IN_BATCH * 2 + 7 }, (_, i) => i);
    const rows = await inBatches(ids, async (batch) => {
      asked.push(batch.length);
      return batch.map((i) => i * 2);
    });
    expect(asked).toEqual([IN_BATCH, IN_BATCH, 7]);
    expect(rows).toEqual(ids.map((i) => i * 2));
    expect(await inBatches([], async () => [1])).toEqual([]);
  });
});
