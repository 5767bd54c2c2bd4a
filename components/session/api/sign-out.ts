import { anyAnswer, fetchJson } from "@/components/ui/fetch-json";

/** Ends this session (the sign-out button is on every page, so this module stays small). */
export async function signOut(): Promise<void> {
  await fetchJson("/api/auth/signout", anyAnswer, { method: "POST" });
}
