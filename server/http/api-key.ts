import "server-only";
import { keyHolderFor, type KeyHolder } from "../consumer/api-keys";
import { AppError } from "../errors";

/** The API key of a consumer request (`Authorization: Bearer thk_…`); a 401 with the Bearer challenge otherwise. */
export async function authenticateKey(req: Request): Promise<KeyHolder> {
  const holder = await keyHolderFor(req.headers.get("authorization"));
  if ("refused" in holder)
    throw new AppError("unauthenticated", "API key required", holder.refused, { headers: { "www-authenticate": 'Bearer realm="tickethub"' } });
  return holder;
}
