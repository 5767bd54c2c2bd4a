"use client";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { useSession } from "@/components/session/session-context";
import { small } from "@/components/ui/styles";
import { useNow } from "@/components/ui/use-now";
import { useCredentialHistory } from "./api/get-credential-history";
import { useCredential } from "./api/get-credentials";
import { revealValue } from "./api/reveal-value";
import { isOnScreen, REVEAL_MS, type Revealed, revealState } from "./revealed-value";

type Note = { tone: "ok" | "info" | "error"; text: string };
const TONE = { ok: "text-emerald-700 dark:text-emerald-400", info: "text-slate-600 dark:text-slate-400", error: "text-red-700 dark:text-red-400" };

/**
 * A masked value with Reveal/Hide and Copy; both go through the server, which audits them. A
 * revealed value is the version the page shows or nothing: when a refresh replaces it (the live
 * stream moves the page on) it hides, and it hides by itself after 30 s. Copy copies exactly the
 * value on screen, or nothing when the page has moved on meanwhile.
 */
export function ValueActions({
  credentialId,
  app,
  versionId,
  masked,
  label,
}: {
  credentialId: string;
  /** The credential's app (the page's query of that app's credentials). */
  app: string;
  versionId?: string;
  masked: string;
  label: string;
}) {
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [note, setNote] = useState<Note | null>(null);
  const [busy, setBusy] = useState(false);
  const { can } = useSession();
  const t = useTranslations("credential");
  const tv = useTranslations("value");
  const now = useNow();
  // The page's own queries (shared cache, no extra request): which version the masked text on screen is.
  const history = useCredentialHistory(credentialId);
  const listed = useCredential(credentialId, app);
  const screen = { masked, versionId };
  // What the page shows when an answer arrives, which may be newer than when its button was pressed.
  const screenRef = useRef(screen);
  useEffect(() => {
    screenRef.current = { masked, versionId };
  }, [masked, versionId]);
  /**
   * The version to ask the server for: the one whose masked value is on screen. Right after a
   * refresh the list (and so the masked text) can be newer than the history that names versions:
   * the server's current value is then the one on screen.
   */
  const versionOnScreen = (): string | undefined => {
    const named = history.data?.versions.find((v) => v.maskedValue === screenRef.current.masked);
    if (named) return named.id;
    return listed.data?.credential?.current?.maskedValue === screenRef.current.masked ? undefined : screenRef.current.versionId;
  };
  // Before the first tick (or during the click's own render) the shared ticker may read 0.
  const view = revealState(revealed, screen, now || Date.now());

  // Hidden by a refresh or by time: drop the plain value and say why, in the same render.
  if (revealed && (view.state === "replaced" || view.state === "timed-out")) {
    setRevealed(null);
    setNote({ tone: "info", text: view.state === "replaced" ? tv("replaced", { generation: String(view.generation) }) : tv("timedOut") });
  }

  // The ticker above draws the countdown; this hides the value on time even if no tick comes.
  useEffect(() => {
    if (!revealed) return;
    const timer = setTimeout(
      () => {
        setRevealed(null);
        setNote({ tone: "info", text: tv("timedOut") });
      },
      Math.max(0, revealed.at + REVEAL_MS - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [revealed, tv]);

  async function reveal() {
    setBusy(true);
    setNote(null);
    try {
      const asked = versionOnScreen();
      const { value, generation } = await revealValue(credentialId, "reveal", asked);
      // The page moved on while the value was on its way: show nothing rather than a value the header does not name.
      const onScreen = screenRef.current;
      if (!isOnScreen(value, onScreen)) setNote({ tone: "error", text: tv("changedWhileRevealing") });
      // Pinned to the version asked for, when one was named (an unnamed current value is followed by its mask).
      else setRevealed({ value, generation, versionId: asked, at: Date.now() });
    } catch (err) {
      setNote({ tone: "error", text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    setBusy(true);
    setNote(null);
    try {
      const shown = view.state === "shown" ? revealed : null;
      // Audited like a reveal; asked for the version on screen, then checked against what the screen shows.
      const { value } = await revealValue(credentialId, "copy", shown?.versionId ?? versionOnScreen());
      if ((shown && value !== shown.value) || !isOnScreen(value, screenRef.current)) {
        setNote({ tone: "error", text: tv("changedWhileCopying") });
        return;
      }
      try {
        await navigator.clipboard.writeText(value);
        setNote({ tone: "ok", text: t("copied") });
      } catch {
        setNote({ tone: "error", text: t("clipboardBlocked") });
      }
    } catch (err) {
      setNote({ tone: "error", text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  }

  if (!can("operator")) {
    return (
      <code
        aria-label={t("valueLabel", { label })}
        title={t("revealNeedsOperator")}
        className="break-all rounded bg-slate-100 px-1.5 py-0.5 font-mono text-sm dark:bg-slate-800"
      >
        {masked}
      </code>
    );
  }
  const shown = view.state === "shown" ? view : null;
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-center gap-2">
        <code
          aria-label={t("valueLabel", { label })}
          data-revealed={shown ? "" : undefined}
          className="break-all rounded bg-slate-100 px-1.5 py-0.5 font-mono text-sm dark:bg-slate-800"
        >
          {shown ? shown.value : masked}
        </code>
        <button
          type="button"
          className={small}
          disabled={busy}
          onClick={() => {
            if (!shown) return void reveal();
            setRevealed(null);
            setNote(null);
          }}
          aria-label={t(shown ? "hideLabel" : "revealLabel", { label })}
        >
          {shown ? t("hide") : t("reveal")}
        </button>
        <button type="button" className={small} disabled={busy} onClick={() => void copy()} aria-label={t("copyLabel", { label })}>
          {t("copy")}
        </button>
        {shown && revealed && (
          <span className="text-xs text-slate-600 tabular-nums dark:text-slate-400" data-hides-in={shown.hidesInSeconds}>
            {tv("shownGeneration", { generation: String(revealed.generation), seconds: String(shown.hidesInSeconds) })}
          </span>
        )}
      </div>
      <p role="status" aria-live="polite" className={`text-xs ${TONE[note?.tone ?? "info"]}`}>
        {note?.text}
      </p>
    </div>
  );
}
