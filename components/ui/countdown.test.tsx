// @vitest-environment happy-dom
import { act, memo, useContext } from "react";
import { createRoot, hydrateRoot } from "react-dom/client";
import { renderToString } from "react-dom/server";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { FirstPaintClock, FirstPaintClockProvider } from "./countdown";

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

const unmount: (() => void)[] = [];
afterEach(() => {
  for (const u of unmount.splice(0)) act(u);
});

/** What a countdown read of the clock, once per time it was drawn. */
const seen: number[] = [];
afterEach(() => {
  seen.length = 0;
});
/** A memoised leaf like the countdowns in the overview's rows. */
const Probe = memo(function Probe() {
  const renderedAt = useContext(FirstPaintClock);
  seen.push(renderedAt);
  return <span>{renderedAt}</span>;
});

describe("FirstPaintClockProvider", () => {
  it("gives the server's render time to the countdowns of the server's HTML and of hydration", async () => {
    const tree = (
      <FirstPaintClockProvider renderedAt={1_764_000_000_000}>
        <Probe />
      </FirstPaintClockProvider>
    );
    const html = renderToString(tree);
    expect(html).toContain("1764000000000");
    const container = document.createElement("div");
    container.innerHTML = html;
    const errors: unknown[] = [];
    await act(async () => {
      const root = hydrateRoot(container, tree, { onRecoverableError: (e) => errors.push(e) });
      unmount.push(() => root.unmount());
    });
    // Hydration read the same time as the server (no mismatch); then the page ticks and needs it no more.
    expect(errors).toEqual([]);
    expect(seen).toEqual([1_764_000_000_000, 1_764_000_000_000, 0]);
  });

  it("draws no countdown again when a new answer brings a new server time", async () => {
    const root = createRoot(document.createElement("div"));
    unmount.push(() => root.unmount());
    for (const renderedAt of [1_000, 2_000, 3_000]) {
      await act(async () =>
        root.render(
          <FirstPaintClockProvider renderedAt={renderedAt}>
            <Probe />
          </FirstPaintClockProvider>,
        ),
      );
    }
    // Each answer's serverTime used to reach every countdown through this context, past the memoised rows.
    expect(seen).toHaveLength(1);
  });
});
