"use client";
import { usePathname } from "next/navigation";

/**
 * The nav link of the page at `pathname`: the page itself or the one it sits under (a credential's
 * page is reached from the overview); none for a page the nav does not offer (one the role may not open).
 */
export function navTarget(pathname: string, hrefs: readonly string[]): string | undefined {
  const owner = (href: string) =>
    href === "/" ? pathname === "/" || pathname.startsWith("/credentials/") : pathname === href || pathname.startsWith(`${href}/`);
  return hrefs.find(owner);
}

/**
 * The dashboard's main nav: plain links (each page is its own document), the current one marked
 * (`aria-current="page"`) so that screen readers say where the user is and the eye finds it.
 */
export function NavLinks({ label, links }: { label: string; links: readonly { href: string; label: string }[] }) {
  const pathname = usePathname();
  const current = navTarget(
    pathname,
    links.map((l) => l.href),
  );
  return (
    <nav aria-label={label} className="-mx-2 mt-1.5 flex flex-wrap gap-x-1 text-sm">
      {links.map(({ href, label: text }) => (
        <a
          key={href}
          href={href}
          aria-current={href === current ? "page" : undefined}
          className="whitespace-nowrap rounded px-2 py-1 font-medium text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-slate-100 aria-[current=page]:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-slate-800 dark:aria-[current=page]:text-white"
        >
          {text}
        </a>
      ))}
    </nav>
  );
}
