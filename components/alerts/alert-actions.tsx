"use client";
import { useTranslations } from "next-intl";
import { useSession } from "@/components/session/session-context";
import { useFormatDateTime } from "@/components/ui/date-time";
import { small } from "@/components/ui/styles";
import type { AlertView } from "@/lib/alert-view";
import { acknowledgeAlert, silenceAlert, useAlertAction } from "./api/alert-actions";

/**
 * Acknowledge, silence (1 h, 24 h) or end the silence of one alert, for an operator or above, with
 * the error of the last one tried. On a credential's page (AlertCard) and, for an alert that has no
 * credential page (an app's quota running low), in the overview's alert box.
 */
export function AlertActions({ alert: a }: { alert: AlertView }) {
  const { can } = useSession();
  const t = useTranslations("alerts");
  const ack = useAlertAction(acknowledgeAlert);
  const silence = useAlertAction(silenceAlert);
  if (!can("operator")) return null;
  const error = ack.error ?? silence.error;
  return (
    <>
      {!a.acknowledgedAt && (
        <button type="button" className={small} disabled={ack.isPending} onClick={() => ack.mutate({ id: a.id })}>
          {t("acknowledge")}
        </button>
      )}
      {a.silencedUntil ? (
        <button type="button" className={small} disabled={silence.isPending} onClick={() => silence.mutate({ id: a.id, minutes: 0 })}>
          {t("endSilence")}
        </button>
      ) : (
        <>
          <button type="button" className={small} disabled={silence.isPending} onClick={() => silence.mutate({ id: a.id, minutes: 60 })}>
            {t("silence1h")}
          </button>
          <button type="button" className={small} disabled={silence.isPending} onClick={() => silence.mutate({ id: a.id, minutes: 24 * 60 })}>
            {t("silence24h")}
          </button>
        </>
      )}
      {error && (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {error.message}
        </span>
      )}
    </>
  );
}

/** " · notifications silenced (by whom) until when", or nothing for an alert that is not silenced. */
export function SilencedUntil({ alert: a }: { alert: AlertView }) {
  const t = useTranslations("alerts");
  const time = useFormatDateTime();
  if (!a.silencedUntil) return null;
  return <>{a.silencedBy ? t("silencedUntilBy", { user: a.silencedBy, time: time(a.silencedUntil) }) : t("silencedUntil", { time: time(a.silencedUntil) })}</>;
}
