import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Overview } from "@/components/overview/overview";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("overview"))("pageTitle") };
}

export default function OverviewPage() {
  return <Overview />;
}
