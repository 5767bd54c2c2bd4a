import { describe, expect, it } from "vitest";
import { FreshFlight } from "./single-flight";

describe("FreshFlight", () => {
  it("shares calls among a burst of callers (at most two calls), each begun after its caller asked", async () => {
    const flights = new FreshFlight<number>();
    let started = 0;
    const releases: (() => void)[] = [];
    const call = () => {
      const n = ++started;
      return new Promise<number>((done) => releases.push(() => done(n)));
    };
    const asked: { at: number; answer: Promise<number> }[] = [];
    const ask = () => asked.push({ at: started, answer: flights.run("k", call) });
    ask(); // starts call 1
    ask();
    ask(); // both wait for call 2, which starts after call 1 ends
    expect(started).toBe(1);
    releases[0]!();
    await new Promise((done) => setTimeout(done, 0));
    expect(started).toBe(2);
    ask(); // call 2 is running: waits for call 3
    releases[1]!();
    await new Promise((done) => setTimeout(done, 0));
    releases[2]!();
    const answers = await Promise.all(asked.map((a) => a.answer));
    expect(answers).toEqual([1, 2, 2, 3]);
    // Every caller got a call numbered after the calls started when it asked.
    asked.forEach((a, i) => expect(answers[i]).toBeGreaterThan(a.at));
    expect(started).toBe(3);
  });

  it("starts anew after a failure, and hands the failure only to those who shared it", async () => {
    const flights = new FreshFlight<string>();
    const first = flights.run("k", () => Promise.reject(new Error("down")));
    await expect(first).rejects.toThrow("down");
    await expect(flights.run("k", async () => "up")).resolves.toBe("up");
  });
});
