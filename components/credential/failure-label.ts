"use client";
import { useTranslations } from "next-intl";
import { isFailureClass } from "@/lib/failure-class";

/** A failure class in the page's language (the audit log's names; English keeps the codes). */
export function useFailureLabel(): (errorClass: string) => string {
  const t = useTranslations("audit.failures");
  return (c) => (isFailureClass(c) ? t(c) : c);
}
