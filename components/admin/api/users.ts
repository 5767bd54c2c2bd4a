"use client";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { userViewSchema } from "@/lib/user-input";
import { adminKeys } from "@/lib/query-keys";
import { fetchJson, jsonBody } from "@/components/ui/fetch-json";

const userListSchema = z.object({ users: z.array(userViewSchema) });
const oneUser = z.object({ user: userViewSchema });

export const getUsers = () => fetchJson("/api/users", userListSchema, { cache: "no-store" });
export const usersQueryOptions = queryOptions({ queryKey: adminKeys.users(), queryFn: getUsers });
export const useUsers = () => useQuery(usersQueryOptions);

export const createUser = (body: { username: string; password: string; role: string }) => fetchJson("/api/users", oneUser, jsonBody("POST", body));
export const changeUser = ({ id, change }: { id: string; change: { role?: string; disabled?: boolean; password?: string } }) =>
  fetchJson(`/api/users/${encodeURIComponent(id)}`, oneUser, jsonBody("PATCH", change));

function useUserMutation<T, R>(fn: (arg: T) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: adminKeys.users() }) });
}
export const useCreateUser = () => useUserMutation(createUser);
export const useChangeUser = () => useUserMutation(changeUser);
