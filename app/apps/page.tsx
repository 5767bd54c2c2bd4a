import type { Metadata } from "next";
import { AppsPage } from "@/components/apps/apps-page";

export const metadata: Metadata = { title: "Apps · Ticket Hub" };

export default function Apps() {
  return <AppsPage />;
}
