import { defineConfig } from "@playwright/test";

// Each spec starts its own Ticket Hub (and sandbox, and PostgreSQL where it needs one) on free
// ports, so specs never share state. One worker: the machine has two cores.
export default defineConfig({
  testDir: "e2e",
  // The leak sweep: every stack's database files and logs searched for plaintext secrets after the run.
  globalSetup: "./e2e/global-setup.ts",
  globalTeardown: "./e2e/global-teardown.ts",
  outputDir: "test-results",
  timeout: 120_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    browserName: "chromium",
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-quic",
      ],
    },
    trace: "retain-on-failure",
  },
});
