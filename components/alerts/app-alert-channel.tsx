"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { z } from "zod";
import { fetchJson, jsonBody } from "@/components/ui/fetch-json";
import { fieldBase, small } from "@/components/ui/styles";
import { type AppView, appViewSchema } from "@/lib/app-input";
import { appKeys } from "@/lib/query-keys";

const TYPES = ["", "feishu", "dingtalk", "wecom", "webhook"] as const;

const savedSchema = z.object({ alertChannel: appViewSchema.shape.alertChannel });

const saveChannel = ({ id, channel }: { id: string; channel: { type: string; url: string; secret?: string } | null }) =>
  fetchJson(`/api/apps/${encodeURIComponent(id)}/alert-channel`, savedSchema, jsonBody("PUT", { channel }));

/**
 * The app's own alert channel, inside the Apps form when editing: saved on its own (admin), shown as
 * type and host only; the URL (its path is the bot's key) and the signing secret are write-only.
 */
export function AppAlertChannel({ app }: { app: AppView }) {
  const id = useId();
  const t = useTranslations("alertChannel");
  const queryClient = useQueryClient();
  const [type, setType] = useState<string>(app.alertChannel?.type ?? "");
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState("");
  const save = useMutation({
    mutationFn: saveChannel,
    onSuccess: () => {
      setUrl("");
      setSecret("");
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: appKeys.all }),
  });
  const signed = type === "feishu" || type === "dingtalk";
  // The form holds the app as it was opened: after a save, the server's answer is the current channel.
  const current = save.data ? save.data.alertChannel : app.alertChannel;
  return (
    <fieldset className="md:col-span-3 space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-700">
      <legend className="px-1 text-sm font-medium">{t("legend")}</legend>
      <p id={`${id}-now`} className="text-xs text-slate-600 dark:text-slate-400">
        {current ? t(current.signed ? "nowSigned" : "now", { type: current.type, host: current.host }) : t("nowNone")} {t("hint")}
      </p>
      <div className="grid gap-2 md:grid-cols-3">
        <label className="text-sm">
          {t("type")}
          <select className={`${fieldBase} mt-1 border-slate-300 dark:border-slate-600`} value={type} onChange={(e) => setType(e.target.value)}>
            {TYPES.map((value) => (
              <option key={value} value={value}>
                {t(`types.${value || "none"}`)}
              </option>
            ))}
          </select>
        </label>
        {type && (
          <label className="text-sm">
            {t("url")}
            <input
              className={`${fieldBase} mt-1 border-slate-300 font-mono dark:border-slate-600`}
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://open.feishu.cn/open-apis/bot/v2/hook/…"
              autoComplete="off"
            />
          </label>
        )}
        {signed && (
          <label className="text-sm">
            {t("secret")}
            <input
              type="password"
              className={`${fieldBase} mt-1 border-slate-300 font-mono dark:border-slate-600`}
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              placeholder={current?.signed ? t("secretKeep") : ""}
              autoComplete="off"
            />
          </label>
        )}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          className={small}
          disabled={save.isPending || (!!type && !url.trim())}
          onClick={() => save.mutate({ id: app.id, channel: type ? { type, url: url.trim(), ...(signed && secret ? { secret } : {}) } : null })}
        >
          {type ? t("save") : t("remove")}
        </button>
        <span role="status" className={`text-xs ${save.isError ? "text-red-700 dark:text-red-400" : "text-emerald-700 dark:text-emerald-400"}`}>
          {save.isError ? save.error.message : save.isSuccess ? t("saved") : ""}
        </span>
      </div>
    </fieldset>
  );
}
