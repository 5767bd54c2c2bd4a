import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";
import { Providers } from "./providers";

export const metadata: Metadata = {
  title: "Ticket Hub",
  description: "Control center for short-lived vendor credentials",
};

const NAV: [string, string][] = [
  ["/", "Overview"],
  ["/nonce", "NONCE desk"],
  ["/signatures", "Signatures"],
  ["/yzb", "yzb tools"],
  ["/apps", "Apps"],
  ["/audit", "Audit log"],
];

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-3">
            <a href="/" className="flex items-center gap-2 whitespace-nowrap font-semibold">
              <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-sky-700 text-xs font-bold text-white">TH</span>
              Ticket Hub
            </a>
            <nav aria-label="Main" className="-mx-2 flex flex-wrap text-sm">
              {NAV.map(([href, label]) => (
                <a key={href} href={href} className="whitespace-nowrap rounded px-2 py-1 font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800">
                  {label}
                </a>
              ))}
            </nav>
          </div>
        </header>
        <main id="main" className="mx-auto max-w-7xl px-4 py-6">
          <Providers>{children}</Providers>
        </main>
      </body>
    </html>
  );
}
