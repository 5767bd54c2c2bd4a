"use client";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { useFailureLabel } from "@/components/credential/failure-label";
import { useKindLabel } from "@/components/overview/kind-label";
import { isSentence, placeholderValue, type Sentence, tagsOf, VERBATIM } from "@/lib/sentence";
import { useFormatDuration } from "./countdown";
import { DateTime } from "./date-time";

/** Words the vendor wrote (its errmsg): never translated; English when it is plain ASCII, else the vendor's own language. */
function VendorWords({ text }: { text: string }) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  const ascii = /^[\x00-\x7f]*$/.test(text);
  return (
    <span translate="no" {...(ascii ? { lang: "en" } : {})}>
      {text}
    </span>
  );
}

/** A code-like value (an endpoint, an origin, a content type): the same in every language. */
function Verbatim({ children }: { children: ReactNode }) {
  return (
    <span translate="no" className="font-mono">
      {children}
    </span>
  );
}

/**
 * A sentence the server composed (lib/sentence.ts) in the page's language: its code is a key under
 * `sentences` in i18n/messages. Text with no template (`untranslated`, or a code this build does
 * not know) shows as the server wrote it, in English, marked so.
 */
export function SentenceText({ sentence: s, fallback }: { sentence: Sentence | null | undefined; fallback?: string | null }) {
  const t = useTranslations("sentences");
  const duration = useFormatDuration();
  const failure = useFailureLabel();
  const kindLabel = useKindLabel();
  const key = s?.code as Parameters<typeof t.has>[0] | undefined;
  if (!s || !key || s.code === "untranslated" || !t.has(key)) {
    const text = s?.code === "untranslated" ? String(s.params.text ?? "") : (fallback ?? "");
    return text ? <span lang="en">{text}</span> : null;
  }
  const template = String(t.raw(key));
  const tags = tagsOf(template);
  const values: Record<string, string | number | ((chunks: ReactNode) => ReactNode)> = {};
  for (const [name, v] of Object.entries(s.params)) {
    // An optional part left out ("" for <impact></impact>): nothing.
    if (v === "" && tags.has(name)) values[name] = () => null;
    else if (isSentence(v)) values[name] = () => <SentenceText sentence={v} />;
    else if (name.endsWith("At")) values[name] = () => (v ? <DateTime at={String(v)} /> : null);
    else if (name === "text" || name === "cause") values[name] = () => <VendorWords text={String(v)} />;
    else if (VERBATIM.includes(name)) values[name] = () => <Verbatim>{String(v)}</Verbatim>;
    else if (name === "duration" && typeof v === "number") values[name] = duration(v);
    else if (name === "failure") values[name] = failure(String(v));
    else if (name === "kind") values[name] = kindLabel(String(v));
    else values[name] = placeholderValue(template, name, v);
  }
  // A tag with no parameter marks a code-like word inside the translation (<code>expire_in</code>).
  for (const tag of tags) if (!(tag in values)) values[tag] = (chunks) => <Verbatim>{chunks}</Verbatim>;
  return <>{t.rich(key, values as never)}</>;
}

/** A last error: its failure class, then what happened (the vendor's own words inside stay as sent). */
export function LastErrorText({ error }: { error: { class: string | null; message: string; sentence?: Sentence } }) {
  const what: Sentence = error.sentence ?? { code: "untranslated", params: { text: error.message } };
  return <SentenceText sentence={error.class ? { code: "lastError", params: { failure: error.class, error: what } } : what} />;
}
