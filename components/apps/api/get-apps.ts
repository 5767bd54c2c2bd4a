"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { appViewSchema } from "@/lib/app-input";
import { appKeys } from "@/lib/query-keys";
import { fetchJson } from "@/components/ui/fetch-json";

const appListSchema = z.object({ apps: z.array(appViewSchema) });

export const getApps = () => fetchJson("/api/apps", appListSchema, { cache: "no-store" });

export const appsQueryOptions = queryOptions({ queryKey: appKeys.list(), queryFn: getApps });

export function useApps() {
  return useQuery(appsQueryOptions);
}
