import * as z from "zod/mini";
import { credentialListSchema, credentialViewSchema } from "./credential-view";
import { HEALTHS } from "./health";
import type { ClockSample } from "./server-clock";

/**
 * GET /api/credentials: `credentials` is the page asked for (every credential when no `limit` is
 * given), "needs attention" first; `totals`, `attention` and `vendors` always count every
 * credential, whatever the filters, so the summary, the strip and the title stay whole.
 */
export const overviewAnswerSchema = z.extend(credentialListSchema, {
  /** Credentials per health, all of them (on the server's clock at serverTime). */
  totals: z.record(z.enum(HEALTHS), z.number()),
  /** The most urgent credentials of all (up to ATTENTION_SHOWN), most urgent first. */
  attention: z.array(credentialViewSchema),
  vendors: z.array(z.object({ vendor: z.string(), label: z.string() })),
  page: z.object({
    /** 1-based; past the last page the last page is answered. */
    number: z.number(),
    size: z.number(),
    /** Credentials matching the filters, on every page. */
    matching: z.number(),
    pages: z.number(),
  }),
  /** When time alone next moves a credential to another health (and this answer's grouping with it); null: never. */
  validUntil: z.nullable(z.string()),
});
export type OverviewAnswer = z.infer<typeof overviewAnswerSchema>;

/**
 * A page of the overview as the dashboard caches it: the answer, its ETag (what a 304 confirms) and
 * the browser's measured offset to the server's clock (null in data rendered on the server: the
 * browser measures it when it takes the page over).
 */
export type OverviewData = OverviewAnswer & { etag: string | null; clockOffsetMs: number | null; clockSample?: ClockSample };
