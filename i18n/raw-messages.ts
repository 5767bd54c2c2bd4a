import { readFileSync } from "node:fs";
import path from "node:path";
import type en from "./messages/en.json";

export type Messages = typeof en;

/**
 * The message files as written, for server code that works with their text (the English the server
 * stores and sends, matched back into codes; search in both languages). Read from disk, not
 * imported: the dashboard's build compiles every imported message file into functions
 * (next.config.js, `precompile`), which leaves no template text to work with.
 */
function read(locale: "en" | "zh-CN"): Messages {
  return JSON.parse(readFileSync(path.join(process.cwd(), "i18n", "messages", `${locale}.json`), "utf8")) as Messages;
}

let loaded: Record<"en" | "zh-CN", Messages> | null = null;

/** Both languages' messages, read once per process. */
export function rawMessages(): Record<"en" | "zh-CN", Messages> {
  loaded ??= { en: read("en"), "zh-CN": read("zh-CN") };
  return loaded;
}
