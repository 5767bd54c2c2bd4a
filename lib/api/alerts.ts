"use client";
import { useQuery } from "@tanstack/react-query";
import { arr, bool, nullable, obj, str } from "@/lib/shape";
import { fetchJson } from "./fetch-json";

export type AlertView = {
  id: string;
  kind: string;
  message: string;
  appName: string | null;
  credentialId: string | null;
  openedAt: string;
  resolvedAt: string | null;
  notified: boolean;
  deliveryError: string | null;
};

function alertView(x: unknown, at: string): AlertView {
  const o = obj(x, at);
  for (const k of ["id", "kind", "message", "openedAt"]) str(o[k], `${at}.${k}`);
  for (const k of ["appName", "credentialId", "resolvedAt", "deliveryError"]) nullable(str)(o[k], `${at}.${k}`);
  bool(o.notified, `${at}.notified`);
  return o as AlertView;
}

const alertList = {
  parse(x: unknown): { open: AlertView[]; recent: AlertView[] } {
    const o = obj(x, "answer");
    return { open: arr(o.open, "open").map((a, i) => alertView(a, `open[${i}]`)), recent: arr(o.recent, "recent").map((a, i) => alertView(a, `recent[${i}]`)) };
  },
};

export function useAlerts() {
  return useQuery({
    queryKey: ["alerts"],
    queryFn: () => fetchJson("/api/alerts", alertList, { cache: "no-store" }),
    refetchInterval: 5_000,
  });
}
