/** A character no message holds (Unicode's private use area): where the argument goes. */
const MARK = "\uE000";

/**
 * A message with one argument used once as plain text ("in {duration}", "{seconds} 秒后过期") as a
 * function of that argument, formatted by next-intl once. Each t() call with values builds the
 * message's formats anew and a cache key of them (JSON), ~3 kB of garbage; the countdowns asked
 * every second for each row, in every open tab, and their garbage brought the collections that a
 * change then paid for (bench/tab-cost.ts). A message that uses the argument otherwise (twice, in a
 * plural or a select: it reads otherwise for 0, 1 or 2 than the template says) is formatted by
 * `format` every time, as before.
 */
export function templateOf(format: (value: string) => string): (value: string) => string {
  let parts: string[];
  try {
    parts = format(MARK).split(MARK);
  } catch {
    return format;
  }
  if (parts.length !== 2) return format;
  const [before, after] = parts as [string, string];
  const template = (value: string) => before + value + after;
  // The marker is no number: a plural reads its "other" form for it, which may hold the argument
  // once too ("{n, plural, one {# second} other {{n} seconds}}"). Such a message reads otherwise for 1.
  try {
    if (["0", "1", "2"].some((v) => format(v) !== template(v))) return format;
  } catch {
    return format;
  }
  return template;
}
