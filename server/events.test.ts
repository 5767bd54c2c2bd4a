import { afterEach, describe, expect, it, vi } from "vitest";
import { credentialsChanged, onCredentialsChanged } from "./events";

describe("credentials-changed events", () => {
  const stops: (() => void)[] = [];
  afterEach(() => stops.splice(0).forEach((stop) => stop()));

  it("tells every listener, until it stops listening", () => {
    const a = vi.fn();
    const b = vi.fn();
    const stopA = onCredentialsChanged(a);
    stops.push(stopA, onCredentialsChanged(b));
    credentialsChanged();
    stopA();
    credentialsChanged();
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(2);
  });

  it("a failing listener does not keep the others from hearing it, nor fail the change", () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const after = vi.fn();
    stops.push(
      onCredentialsChanged(() => {
        throw new Error("boom");
      }),
      onCredentialsChanged(after),
    );
    expect(() => credentialsChanged()).not.toThrow();
    expect(after).toHaveBeenCalledOnce();
    expect(error).toHaveBeenCalledWith(expect.stringContaining("boom"));
    error.mockRestore();
  });

  it("is shared by every copy of the module in the process (listeners live on globalThis)", async () => {
    vi.resetModules();
    const other = await import("./events");
    const heard = vi.fn();
    stops.push(other.onCredentialsChanged(heard));
    credentialsChanged();
    expect(heard).toHaveBeenCalledOnce();
  });
});
