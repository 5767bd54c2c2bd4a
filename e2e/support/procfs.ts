// Reading Linux's /proc for the tests and benchmarks that watch the instance's processes.
import { readdirSync, readFileSync } from "node:fs";

/**
 * The fields of a /proc `stat` file after the command name (which may hold spaces and parentheses):
 * [0] is the state (field 3 in proc(5)), [1] the parent pid, [11] and [12] utime and stime in
 * clock ticks, [16] the nice value. Null when the process or thread is gone.
 */
export function statFields(path: string): string[] | null {
  try {
    const stat = readFileSync(path, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** `root` and every live process below it, from /proc: parent links. */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const fields = statFields(`/proc/${d}/stat`);
    if (fields) parent.set(Number(d), Number(fields[1]));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree;
}
