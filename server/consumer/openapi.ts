import "server-only";
import { CREDENTIAL_KINDS } from "@/lib/credential-kinds";
import { FAILURE_CLASSES } from "@/lib/failure-class";

/**
 * The OpenAPI 3.1 description of the consumer API (what services holding an API key may call),
 * served at GET /api/v1/openapi.json. Kept by hand next to server/http/consumer.ts, which is the truth;
 * openapi.test.ts checks that its paths match the route files under app/api/v1.
 */

const problemJson = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } as const;
const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
/** What every keyed call may answer besides its own: no key or a wrong one. */
const keyRefusals = { "401": ref("Unauthorized"), "403": ref("Forbidden") };
/** …and too many requests, an unexpected error, no valid value to serve. */
const serverRefusals = { "429": ref("TooManyRequests"), "500": ref("InternalError"), "503": ref("NoValidValue") };

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Ticket Hub consumer API",
    version: "1",
    description: [
      "Ticket Hub keeps the server-side credentials of vendor apps — WeChat, Feishu, Tencent FaceID and yzb access tokens and the tickets fetched with them — fresh in one place, so that services never call the vendors' token endpoints themselves (and never exhaust their daily quotas or invalidate each other's tokens).",
      "",
      "Services read the current value of a credential with `GET /api/v1/apps/{vendor}/{appId}/{kind}`, or, for a web page that uses the WeChat or Feishu JS-SDK, ask Ticket Hub to sign the page with `POST /api/v1/apps/{vendor}/{appId}/jssdk-signature` so that the ticket never leaves the server. When the vendor refuses a value, report it with `POST /api/v1/apps/{vendor}/{appId}/{kind}/refused` rather than fetching a new one yourself.",
      "",
      "Every call except this document needs an API key (`Authorization: Bearer thk_…`). Errors are RFC 9457 problem details (`application/problem+json`).",
    ].join("\n"),
  },
  servers: [{ url: "/" }],
  security: [{ apiKey: [] }],
  tags: [
    { name: "credentials", description: "Current tokens and tickets of vendor apps." },
    { name: "jssdk", description: "Signatures for the WeChat and Feishu JS-SDKs." },
    { name: "meta", description: "This document." },
  ],
  paths: {
    "/api/v1/apps/{vendor}/{appId}/{kind}": {
      get: {
        operationId: "readCredential",
        tags: ["credentials"],
        summary: "The current value of a credential",
        description: [
          "Returns the value of the app's credential of this kind, when it expires and its generation (which goes up by one each time the value is replaced).",
          "Ticket Hub refreshes values well before they expire; a read of a value with less than a minute left refreshes it first. Use the value until `expiresAt` or until the next read gives a new generation, and read again rather than fetching from the vendor yourself.",
          "",
          "Kinds by vendor:",
          "- `wechat`: `access_token`, `jsapi_ticket`, `wx_card_ticket`",
          "- `feishu`: `access_token` (the tenant_access_token), `jsapi_ticket`",
          "- `faceid`: `access_token`, `sign_ticket` (NONCE tickets are single-use and are not served)",
          "- `yzb`: `access_token` (the server access token), `js_ticket`",
          "",
          "A kind the vendor does not have answers 404.",
          "",
          "The response has an `ETag`; send it back in `If-None-Match` to get `304 Not Modified` while the value is unchanged.",
        ].join("\n"),
        parameters: [
          { $ref: "#/components/parameters/Vendor" },
          { $ref: "#/components/parameters/AppId" },
          {
            name: "kind",
            in: "path",
            required: true,
            description: "The credential kind; which kinds each vendor has is listed above.",
            schema: { type: "string", enum: [...CREDENTIAL_KINDS] },
            example: "jsapi_ticket",
          },
          {
            name: "If-None-Match",
            in: "header",
            required: false,
            description: "The `ETag` of a previous response; if the value is still the same, the answer is 304 with no body.",
            schema: { type: "string" },
            example: '"clx0app0000001.jsapi_ticket.7"',
          },
        ],
        responses: {
          "200": {
            description: "The current value.",
            headers: {
              ETag: { $ref: "#/components/headers/ETag" },
              "Cache-Control": { description: "`private, no-cache`: revalidate with `If-None-Match`.", schema: { type: "string" } },
              "Ticket-Hub-Stale": { $ref: "#/components/headers/TicketHubStale" },
            },
            content: {
              "application/json": {
                schema: { $ref: "#/components/schemas/Credential" },
                example: {
                  vendor: "wechat",
                  appId: "wx0123456789abcdef",
                  kind: "jsapi_ticket",
                  value: "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
                  expiresAt: "2025-06-01T10:00:00.000Z",
                  remainingSeconds: 5400,
                  generation: 7,
                  servedAt: "2025-06-01T08:30:00.000Z",
                },
              },
            },
          },
          "304": {
            description: "Not Modified: the `If-None-Match` ETag is still current, so the value you hold is unchanged. No body.",
            headers: { ETag: { $ref: "#/components/headers/ETag" } },
          },
          "400": ref("BadRequest"),
          ...keyRefusals,
          "404": {
            description: "Unknown vendor, or a kind this vendor does not have (`field` is `vendor` or `kind`; the detail lists the vendor's kinds).",
            content: problemJson,
          },
          ...serverRefusals,
        },
      },
    },
    "/api/v1/apps/{vendor}/{appId}/{kind}/refused": {
      post: {
        operationId: "reportRefused",
        tags: ["credentials"],
        summary: "The vendor refused this value: refresh it only if it is still current",
        description: [
          "When the vendor refuses a value you got from Ticket Hub (WeChat `40001`/`42001`, Feishu `99991663`, …), report the `generation` you used instead of fetching a token from the vendor yourself.",
          "",
          "- If that generation is still the stored one, Ticket Hub refreshes the value once (one vendor call, however many services report it at the same moment, on however many instances) and answers with the new one (`refreshed: true` for the report that caused the call).",
          "- If the stored generation is already newer (someone refreshed meanwhile), the answer is that value at once, with no vendor call.",
          "",
          'This is the "refresh only if the token is still the one I have" call that WeChat\'s guidance asks a central token server to offer; it ends 40001 storms where every service renews the token in turn.',
        ].join("\n"),
        parameters: [
          { $ref: "#/components/parameters/Vendor" },
          { $ref: "#/components/parameters/AppId" },
          {
            name: "kind",
            in: "path",
            required: true,
            description: "The credential kind, as for reads.",
            schema: { type: "string", enum: [...CREDENTIAL_KINDS] },
            example: "access_token",
          },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                additionalProperties: false,
                required: ["generation"],
                properties: {
                  generation: { type: "integer", minimum: 0, description: "The generation of the value the vendor refused (from the read's body)." },
                },
              },
              example: { generation: 7 },
            },
          },
        },
        responses: {
          "200": {
            description: "The current value (a newer generation than the one reported), in the read's shape plus `refreshed`.",
            content: {
              "application/json": {
                schema: {
                  allOf: [
                    { $ref: "#/components/schemas/Credential" },
                    {
                      type: "object",
                      required: ["refreshed"],
                      properties: { refreshed: { type: "boolean", description: "Whether this report caused the vendor call." } },
                    },
                  ],
                },
                example: {
                  vendor: "wechat",
                  appId: "wx0123456789abcdef",
                  kind: "access_token",
                  value: "ACCESS_TOKEN",
                  expiresAt: "2025-06-01T10:30:00.000Z",
                  remainingSeconds: 7199,
                  generation: 8,
                  servedAt: "2025-06-01T08:30:01.000Z",
                  refreshed: true,
                },
              },
            },
          },
          "400": ref("BadRequest"),
          ...keyRefusals,
          "404": { description: "Unknown vendor, or a kind this vendor does not have.", content: problemJson },
          "409": { description: "`generation` is newer than the stored one (`generation` in the body is the stored one).", content: problemJson },
          "415": { description: "The body is not `application/json`.", content: problemJson },
          "429": ref("TooManyRequests"),
          "500": ref("InternalError"),
          "502": {
            description: "The refresh failed at the vendor (`failure` says why); try again after `Retry-After` seconds.",
            headers: { "Retry-After": { $ref: "#/components/headers/RetryAfter" } },
            content: problemJson,
          },
          "503": ref("NoValidValue"),
        },
      },
    },
    "/api/v1/apps/{vendor}/{appId}/jssdk-signature": {
      post: {
        operationId: "signForPage",
        tags: ["jssdk"],
        summary: "Sign a web page for wx.config / h5sdk.config",
        description: [
          "For `wechat` and `feishu` apps only (other vendors answer 400, `field: vendor`).",
          "",
          "Signs the page's URL with the app's current jsapi_ticket and returns exactly what the page passes to `wx.config` (WeChat) or `h5sdk.config` (Feishu): the app id, timestamp, nonceStr and signature. The ticket itself never leaves the server.",
          "",
          "The signature is the hex SHA-1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`. Send the page's full URL, including its query string, as the page sees it (`location.href`); a `#fragment` is ignored. Omit `timestamp` and `nonceStr` to have Ticket Hub choose them (now, and 16 random letters and digits).",
        ].join("\n"),
        parameters: [
          {
            name: "vendor",
            in: "path",
            required: true,
            description: "`wechat` or `feishu`: the vendors with a JS-SDK.",
            schema: { type: "string", enum: ["wechat", "feishu"] },
            example: "wechat",
          },
          { $ref: "#/components/parameters/AppId" },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/SignatureRequest" },
              examples: {
                wechatDocumented: {
                  summary: "WeChat's documented example",
                  value: { url: "http://mp.weixin.qq.com?params=value", timestamp: 1414587457, nonceStr: "Wm3WZYTPz0wzccnW" },
                },
                minimal: { summary: "Let Ticket Hub choose timestamp and nonceStr", value: { url: "https://example.com/page?id=42#top" } },
              },
            },
          },
        },
        responses: {
          "200": {
            description: "The values for wx.config / h5sdk.config.",
            content: {
              "application/json": {
                schema: { $ref: "#/components/schemas/JsSdkSignature" },
                examples: {
                  wechatDocumented: {
                    summary: "WeChat's documented example (with the documented jsapi_ticket)",
                    value: {
                      appId: "wx0123456789abcdef",
                      timestamp: 1414587457,
                      nonceStr: "Wm3WZYTPz0wzccnW",
                      signature: "0f9de62fce790f9a083d5c99e95740ceb90c27ed",
                      ticketGeneration: 7,
                    },
                  },
                },
              },
            },
          },
          "400": {
            description:
              "Invalid input, named in `field`: `appId`; `vendor` (not wechat or feishu); `body` (not a JSON object); `url`, `timestamp`, `nonceStr`; or the names of unknown fields.",
            content: {
              "application/problem+json": {
                schema: { $ref: "#/components/schemas/Problem" },
                example: { type: "about:blank", title: "Invalid body", status: 400, detail: "url: must be the page's absolute http(s) URL", field: "url" },
              },
            },
          },
          ...keyRefusals,
          "404": { description: "Unknown vendor (`field: vendor`).", content: problemJson },
          ...serverRefusals,
        },
      },
    },
    "/api/v1/openapi.json": {
      get: {
        operationId: "openApiDocument",
        tags: ["meta"],
        summary: "This OpenAPI document",
        description: "The OpenAPI 3.1 description of the consumer API. Needs no API key.",
        security: [],
        responses: {
          "200": {
            description: "This document.",
            headers: { "Cache-Control": { description: "`public, max-age=300`.", schema: { type: "string" } } },
            content: { "application/json": { schema: { type: "object" } } },
          },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      apiKey: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "thk_<8 hex>_<43 base64url characters>",
        description:
          'An API key, sent as `Authorization: Bearer thk_…`. An admin creates keys on the dashboard\'s "Users & keys" page; the key is shown once (Ticket Hub keeps only its hash), is scoped to the apps chosen when it was created, and can be revoked there at any time.',
      },
    },
    parameters: {
      Vendor: {
        name: "vendor",
        in: "path",
        required: true,
        description: "The vendor of the app. Anything else answers 404.",
        schema: { type: "string", enum: ["wechat", "feishu", "faceid", "yzb"] },
        example: "wechat",
      },
      AppId: {
        name: "appId",
        in: "path",
        required: true,
        description: "The app's id at the vendor (WeChat appid, Feishu app_id, …). 1–64 letters, digits, `_` or `-`; anything else answers 400.",
        schema: { type: "string", pattern: "^[0-9A-Za-z_-]{1,64}$" },
        example: "wx0123456789abcdef",
      },
    },
    headers: {
      ETag: {
        description: "Identifies this app, kind and generation; changes whenever the value does.",
        schema: { type: "string" },
        example: '"clx0app0000001.jsapi_ticket.7"',
      },
      RetryAfter: {
        description: "Seconds to wait before trying again.",
        schema: { type: "integer", minimum: 0 },
        example: 5,
      },
      TicketHubStale: {
        description:
          "Present only when the database could not be reached and the value was served from this instance's memory: `database-unreachable; confirmed=<RFC 3339>`, when the database last confirmed it. Ticket Hub does this only while the value is unexpired and inside its vendor's overlap window after that confirmation (WeChat token 5 min, FaceID token and SIGN 1 min, yzb js_ticket 10 min; WeChat and Feishu tickets until they expire); past that it answers 503.",
        schema: { type: "string" },
        example: "database-unreachable; confirmed=2025-06-01T08:29:58.000Z",
      },
      WWWAuthenticate: {
        description: 'The scheme to use: `Bearer realm="tickethub"`.',
        schema: { type: "string" },
        example: 'Bearer realm="tickethub"',
      },
    },
    responses: {
      BadRequest: {
        description: "Invalid input, named in `field` (here: `appId`).",
        content: {
          "application/problem+json": {
            schema: { $ref: "#/components/schemas/Problem" },
            example: { type: "about:blank", title: "Invalid app id", status: 400, detail: "appId: must be 1–64 letters, digits, _ or -", field: "appId" },
          },
        },
      },
      Unauthorized: {
        description: "No API key, a malformed one, one Ticket Hub does not know, or one that was revoked.",
        headers: { "WWW-Authenticate": { $ref: "#/components/headers/WWWAuthenticate" } },
        content: {
          "application/problem+json": {
            schema: { $ref: "#/components/schemas/Problem" },
            example: {
              type: "about:blank",
              title: "API key required",
              status: 401,
              detail: "Send Authorization: Bearer <API key> (an admin creates keys under Users & keys).",
            },
          },
        },
      },
      Forbidden: {
        description: "The API key is not scoped to this app (an app that does not exist answers the same way).",
        content: {
          "application/problem+json": {
            schema: { $ref: "#/components/schemas/Problem" },
            example: {
              type: "about:blank",
              title: "Not allowed for this key",
              status: 403,
              detail: "API key thk_0a1b2c3d… may not read wechat wx0123456789abcdef: it is scoped to other apps.",
            },
          },
        },
      },
      TooManyRequests: {
        description: "This API key made too many calls in the last minute; wait `Retry-After` seconds.",
        headers: { "Retry-After": { $ref: "#/components/headers/RetryAfter" } },
        content: problemJson,
      },
      NoValidValue: {
        description:
          "Ticket Hub has no valid value to give right now: the refresh failed and the last value has expired. `failure` says why (e.g. the vendor was busy, rate-limited, the quota is used up, or the app is misconfigured). Try again after `Retry-After` seconds.",
        headers: { "Retry-After": { $ref: "#/components/headers/RetryAfter" } },
        content: {
          "application/problem+json": {
            schema: { $ref: "#/components/schemas/Problem" },
            example: { type: "about:blank", title: "No valid value", status: 503, detail: "no valid jsapi_ticket: WeChat -1: system busy", failure: "busy" },
          },
        },
      },
      InternalError: {
        description: "An unexpected error; the server log has the details.",
        content: problemJson,
      },
    },
    schemas: {
      Problem: {
        type: "object",
        description: "An RFC 9457 problem detail, sent as `application/problem+json`.",
        required: ["type", "title", "status"],
        properties: {
          type: { type: "string", description: "Always `about:blank`.", example: "about:blank" },
          title: { type: "string", description: "A short summary of the kind of problem." },
          status: { type: "integer", description: "The HTTP status code." },
          detail: { type: "string", description: "What went wrong in this case, and what to do." },
          field: { type: "string", description: "The input at fault, for 400 and some 404 answers." },
          failure: {
            type: "string",
            description: "On 503: the class of the last refresh failure, or `database-unreachable` when this server's database does not answer.",
            enum: [...FAILURE_CLASSES, "database-unreachable"],
          },
        },
      },
      Credential: {
        type: "object",
        required: ["vendor", "appId", "kind", "value", "expiresAt", "remainingSeconds", "generation", "servedAt"],
        additionalProperties: false,
        properties: {
          vendor: { type: "string", enum: ["wechat", "feishu", "faceid", "yzb"] },
          appId: { type: "string", description: "The app's id at the vendor." },
          kind: { type: "string", enum: [...CREDENTIAL_KINDS] },
          value: { type: "string", description: "The token or ticket itself. Treat it as a secret." },
          expiresAt: { type: "string", format: "date-time", description: "When the value stops working." },
          remainingSeconds: { type: "integer", description: "Seconds from `servedAt` to `expiresAt`." },
          generation: { type: "integer", description: "Goes up by one each time the value is replaced." },
          servedAt: { type: "string", format: "date-time", description: "When Ticket Hub answered." },
        },
      },
      SignatureRequest: {
        type: "object",
        required: ["url"],
        additionalProperties: false,
        properties: {
          url: {
            type: "string",
            format: "uri",
            maxLength: 2048,
            description: "The page's absolute http(s) URL, query string included, as the page sees it (`location.href`). A `#fragment` is ignored.",
            example: "http://mp.weixin.qq.com?params=value",
          },
          timestamp: {
            type: "integer",
            minimum: 0,
            maximum: 4102444800,
            description: "Unix time in seconds (not milliseconds). Defaults to now.",
            example: 1414587457,
          },
          nonceStr: {
            type: "string",
            pattern: "^[A-Za-z0-9]{1,32}$",
            minLength: 1,
            maxLength: 32,
            description: "Letters and digits, at most 32. Defaults to a random one.",
            example: "Wm3WZYTPz0wzccnW",
          },
        },
      },
      JsSdkSignature: {
        type: "object",
        description: "Exactly what the page passes to `wx.config` / `h5sdk.config` (with its own `jsApiList`).",
        required: ["appId", "timestamp", "nonceStr", "signature", "ticketGeneration"],
        additionalProperties: false,
        properties: {
          appId: { type: "string", example: "wx0123456789abcdef" },
          timestamp: { type: "integer", description: "Unix time in seconds.", example: 1414587457 },
          nonceStr: { type: "string", example: "Wm3WZYTPz0wzccnW" },
          signature: {
            type: "string",
            pattern: "^[0-9a-f]{40}$",
            description: "Hex SHA-1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`.",
            example: "0f9de62fce790f9a083d5c99e95740ceb90c27ed",
          },
          ticketGeneration: { type: "integer", description: "The generation of the jsapi_ticket that signed the page." },
        },
      },
    },
  },
} as const;
