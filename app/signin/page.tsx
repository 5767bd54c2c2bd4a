import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LanguageSwitch } from "@/components/ui/language-switch";
import { SignInForm } from "@/components/session/sign-in-form";
import { DEMO_ACCOUNTS } from "@/lib/demo-accounts";
import { safeNext } from "@/lib/safe-next";
import { currentUser } from "@/server/http/current-user";
import { countUsers } from "@/server/auth/users";
import { getConfig } from "@/server/config";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("signIn"))("pageTitle") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNext((await searchParams).next);
  if (await currentUser()) redirect(next);
  const firstRun = (await countUsers()) === 0;
  const demo = getConfig().demo;
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-10">
      <div className="mb-6 flex items-center justify-between gap-2">
        <div className="flex items-center gap-2 text-lg font-semibold">
          <span aria-hidden className="grid h-8 w-8 place-items-center rounded-md bg-sky-700 text-xs font-bold text-white">
            TH
          </span>
          Ticket Hub
        </div>
        <LanguageSwitch />
      </div>
      <SignInForm mode={firstRun ? "setup" : "signin"} next={next} demoAccounts={demo && !firstRun ? DEMO_ACCOUNTS : []} />
    </main>
  );
}
