import "server-only";
import { createTranslator } from "use-intl/core";
import en from "@/i18n/messages/en.json";
import { isFailureClass } from "@/lib/failure-class";
import { isSentence, placeholderValue, type Sentence, type SentenceParam, sentence, tagsOf } from "@/lib/sentence";

// The English of every sentence the server composes comes from i18n/messages/en.json (namespace
// `sentences`), the very templates the dashboard renders: the stored text, the logs, the chat-bot
// messages and the English page say the same words, and a stored text can be read back into its
// code and parameters (sentenceOf) for the page to show in its own language.

/** A text no template matches (an exception's own message, a database written by an older version): shown as it is, marked English. */
export const UNTRANSLATED = "untranslated";

const t = createTranslator({ locale: "en", timeZone: "UTC", messages: { sentences: en.sentences } as Record<string, unknown> });

/** An ISO time in plain English text: minutes, UTC ("2026-11-30 20:15 UTC"). */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

/** The plain English of a sentence (what the JSON APIs' `message` fields, the logs and the chat bots carry). */
export function english(s: Sentence): string {
  if (s.code === UNTRANSLATED) return String(s.params.text ?? "");
  // Tags (<name></name>) take a function, placeholders ({name}) a value (lib/sentence.ts).
  const template = String(t.raw(`sentences.${s.code}` as never));
  const tags = tagsOf(template);
  const values: Record<string, string | number | ((chunks: string) => string)> = {};
  for (const [name, v] of Object.entries(s.params)) {
    const text = isSentence(v)
      ? english(v)
      : name === "duration" && typeof v === "number"
        ? `${v} s`
        : name.endsWith("At") && typeof v === "string" && v
          ? utcMinute(v)
          : v;
    values[name] = tags.has(name) ? () => String(text) : placeholderValue(template, name, text);
  }
  for (const tag of tags) if (!(tag in values)) values[tag] = (chunks) => chunks;
  return t.markup(`sentences.${s.code}` as never, values as never);
}

export function untranslated(text: string): Sentence {
  return sentence(UNTRANSLATED, { text });
}

// ---- Reading a stored English text back into its sentence ----

const VENDORS = ["WeChat", "Feishu", "FaceID", "yzb"];
const INTEGERS = new Set(["count", "ms", "status", "used", "limit", "percent", "minutes", "jitter"]);
/** Parameters that hold a nested sentence, and the namespace it comes from. */
const NESTED: Record<string, Namespace> = { error: "error", why: "error", trigger: "trigger" };
type Namespace = "reason" | "error" | "trigger" | "delivery";

type Compiled = { code: string; re: RegExp; literal: number };
const compiled = new Map<string, Compiled[]>();

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A template as a regular expression: each {name} or <name></name> a named group. Longest literal first, so "retry 1 after busy in 5 s (…)" is not read as "retry {count} after {failure}". */
function templates(ns: string): Compiled[] {
  let list = compiled.get(ns);
  if (list) return list;
  const group = (en.sentences as unknown as Record<string, Record<string, string>>)[ns] ?? {};
  list = Object.entries(group)
    .filter(([, template]) => !template.includes(", plural,"))
    .map(([key, template]) => {
      let src = "";
      let literal = 0;
      let last = 0;
      for (const m of template.matchAll(/\{(\w+)\}|<(\w+)><\/\2>/g)) {
        const text = template.slice(last, m.index);
        src += escapeRe(text);
        literal += text.length;
        src += `(?<${m[1] ?? m[2]}>[\\s\\S]*?)`;
        last = m.index + m[0].length;
      }
      const rest = template.slice(last);
      src += escapeRe(rest);
      literal += rest.length;
      return { code: `${ns}.${key}`, re: new RegExp(`^${src}$`), literal };
    })
    .sort((a, b) => b.literal - a.literal);
  compiled.set(ns, list);
  return list;
}

function decode(name: string, raw: string, context: { policy?: Sentence }): SentenceParam | undefined {
  if (INTEGERS.has(name)) return /^-?\d+$/.test(raw) ? Number(raw) : undefined;
  if (name === "duration") {
    const m = /^(\d+) s$/.exec(raw);
    return m ? Number(m[1]) : undefined;
  }
  if (name === "failure") return isFailureClass(raw) ? raw : undefined;
  if (name === "vendor") return VENDORS.includes(raw) ? raw : undefined;
  if (name === "code") return /^-?\d+$/.test(raw) ? raw : undefined;
  // "scheduled: <policy>": the credential's policy when it is the one the text names (else the text as it is).
  if (name === "policy") return context.policy && english(context.policy) === raw ? context.policy : untranslated(raw);
  if (NESTED[name]) return sentenceOf(raw, NESTED[name], context);
  return raw;
}

/**
 * The sentence a stored English text says (a refresh reason, a last error), read with the same
 * templates that wrote it; a text none matches comes back as is (UNTRANSLATED).
 */
export function sentenceOf(text: string, ns: Namespace, context: { policy?: Sentence } = {}): Sentence {
  for (const { code, re } of templates(ns)) {
    const m = re.exec(text);
    if (!m) continue;
    const params: Sentence["params"] = {};
    let ok = true;
    for (const [name, raw] of Object.entries(m.groups ?? {})) {
      const v = decode(name, raw, context);
      if (v === undefined) {
        ok = false;
        break;
      }
      params[name] = v;
    }
    if (ok) return sentence(code, params);
  }
  return untranslated(text);
}

/** A failed refresh's message: a vendor or transport error, or (a scheduled call held back by a used-up quota) a refresh reason. */
export function sentenceOfFailure(text: string): Sentence {
  const error = sentenceOf(text, "error");
  return error.code === UNTRANSLATED ? sentenceOf(text, "reason") : error;
}
