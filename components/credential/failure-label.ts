"use client";
import { useTranslations } from "next-intl";
import { FAILURE_CLASSES, type FailureClass } from "@/lib/failure-class";

/** A failure class in the page's language (the audit log's names; English keeps the codes). */
export function useFailureLabel(): (errorClass: string) => string {
  const t = useTranslations("audit.failures");
  return (c) => ((FAILURE_CLASSES as readonly string[]).includes(c) ? t(c as FailureClass) : c);
}
