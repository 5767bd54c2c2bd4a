"use client";
import { useTranslations } from "next-intl";
import { FAILURE_CLASSES } from "@/lib/failure-class";

const CLASSES = FAILURE_CLASSES;

/** A failure class in the page's language (the audit log's names; English keeps the codes). */
export function useFailureLabel(): (errorClass: string) => string {
  const t = useTranslations("audit.failures");
  return (c) => ((CLASSES as readonly string[]).includes(c) ? t(c as (typeof CLASSES)[number]) : c);
}
