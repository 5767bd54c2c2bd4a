/** The request header proxy.ts sets to the page that was asked for (the dashboard layout reads it to keep a deep link through sign-in). */
export const REQUESTED_PATH_HEADER = "x-tickethub-requested-path";
