import { cookies } from "next/headers";
import { ZONE_COOKIE, zoneChoice } from "@/i18n/time-zone";
import { TimeZoneButtons } from "./time-zone-buttons";

/** The dashboard header's time-zone switch, rendered pressed as the cookie says (no flash on load). */
export async function TimeZoneSwitch() {
  return <TimeZoneButtons initial={zoneChoice((await cookies()).get(ZONE_COOKIE)?.value)} />;
}
