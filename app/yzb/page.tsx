import type { Metadata } from "next";
import { YzbTools } from "@/components/yzb/yzb-tools";

export const metadata: Metadata = { title: "yzb tools · Ticket Hub" };

export default function YzbPage() {
  return <YzbTools />;
}
