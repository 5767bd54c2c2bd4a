// @vitest-environment happy-dom
// @vitest-environment-options {"url":"http://localhost:3000/"}
import { NextIntlClientProvider } from "next-intl";
import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHANGHAI } from "@/i18n/time-zone";
import { browserZone, chooseZone, useDisplayZone } from "./use-time-zone";

let cookieReads = 0;
const cookieProperty = (o: object | null): PropertyDescriptor => Object.getOwnPropertyDescriptor(o!, "cookie") ?? cookieProperty(Object.getPrototypeOf(o));
const jar = cookieProperty(Object.getPrototypeOf(document));
beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  Object.defineProperty(document, "cookie", {
    configurable: true,
    get() {
      cookieReads++;
      return jar.get!.call(document);
    },
    set(v: string) {
      jar.set!.call(document, v);
    },
  });
});
afterAll(() => {
  delete (document as { cookie?: string }).cookie;
});

function Zone({ i }: { i: number }) {
  return <span data-i={i}>{useDisplayZone()}</span>;
}

describe("useDisplayZone", () => {
  const container = document.createElement("div");
  const root = createRoot(container);
  const draw = (n: number, pass: number) =>
    act(async () =>
      root.render(
        <NextIntlClientProvider locale="en" messages={{}} timeZone="UTC">
          <div data-pass={pass}>
            {Array.from({ length: n }, (_, i) => (
              <Zone key={i} i={i} />
            ))}
          </div>
        </NextIntlClientProvider>,
      ),
    );
  const shown = () => new Set([...container.querySelectorAll("span")].map((s) => s.textContent));

  it("reads the choice once, not at every time drawn", async () => {
    for (let pass = 0; pass < 3; pass++) await draw(50, pass);
    expect(shown()).toEqual(new Set([browserZone()]));
    // 150 times drawn: each read document.cookie (and built an Intl.DateTimeFormat) before.
    expect(cookieReads).toBeLessThanOrEqual(1);
  });

  it("shows a choice missed meanwhile when this tab is looked at again, on every time at once", async () => {
    await draw(50, 3);
    const before = [...shown()];
    expect(before).toHaveLength(1);
    const other = before[0] === SHANGHAI ? "local" : encodeURIComponent(SHANGHAI);
    // biome-ignore lint/suspicious/noDocumentCookie: another tab's choice, as the switch writes it.
    document.cookie = `th_tz=${other}; path=/`;
    await draw(50, 4);
    expect([...shown()]).toEqual(before);
    await act(async () => {
      document.dispatchEvent(new Event("visibilitychange"));
    });
    expect(shown()).toEqual(new Set([before[0] === SHANGHAI ? browserZone() : SHANGHAI]));
  });

  it("shows a choice made in another tab at once", async () => {
    await act(async () => chooseZone("utc8"));
    await draw(50, 5);
    expect(shown()).toEqual(new Set([SHANGHAI]));
    const otherTab = new BroadcastChannel("tickethub-zone");
    await act(async () => {
      otherTab.postMessage("local");
      await new Promise((r) => setTimeout(r, 50));
    });
    otherTab.close();
    expect(shown()).toEqual(new Set([browserZone()]));
    act(() => root.unmount());
  });
});
