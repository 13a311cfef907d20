import { STATUS_CODES } from "node:http";
import { stdSerializers } from "pino";

export const REDACTED = "[redacted]";

// A field is secret by what its name ends with, in any case and with or without separators:
// botToken, access_token, clientSecret, SLACK_SIGNING_SECRET, headers.Authorization, set-cookie...
const SECRET_NAME = /(authorization|password|passwd|secret|token|cookie|credentials?|connectionstring|accountkey|apikey|privatekey|sharedaccesssignature|linkcode)$/;
const isSecretName = (name: string) => SECRET_NAME.test(name.replace(/[-_\s]/g, "").toLowerCase());

const SECRET_PARAM = "client_secret|[a-z_]*token|[a-z_]*secret|password|code|state|sig|signature|AccountKey|SharedAccessSignature";
const TEXT_RULES: Array<[RegExp, string]> = [
  // Slack tokens (bot, user, app-level, refresh...) wherever they appear.
  [/\b(xox[a-z]|xapp|xoxe\.xox[a-z])-[A-Za-z0-9.-]+/g, `$1-${REDACTED}`],
  // Query strings, form bodies and connection strings: client_secret=…, code=…, state=…, AccountKey=…
  [new RegExp(`\\b(${SECRET_PARAM})=[^&\\s"';#]+`, "gi"), `$1=${REDACTED}`],
  // JSON flattened into text: "client_secret":"…", "code":"…"
  [new RegExp(`"(${SECRET_PARAM}|authorization|[a-z_]*password)"\\s*:\\s*"(?:[^"\\\\]|\\\\.)*"`, "gi"), `"$1":"${REDACTED}"`],
  // HTTP credentials: Authorization: Bearer …, Basic …, SharedKey account:signature
  [/\b(Bearer|Basic|SharedKey(?:Lite)?)\s+[A-Za-z0-9._~+/=:-]+/g, `$1 ${REDACTED}`],
];

/** A text with secrets that have a recognisable shape (tokens, secret parameters, credentials) blanked out. */
export function scrubText(text: string): string {
  return TEXT_RULES.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

const MAX_DEPTH = 12;

/**
 * A copy of `value` fit for a log: secret-named fields blanked at any depth, secret-shaped strings
 * scrubbed, errors serialized (see `serializeError`). The input is never changed.
 */
export function redactValue(value: unknown, ancestors: Set<object> = new Set(), depth = 0): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Error) return redactValue(serializeError(value), ancestors, depth);
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return "[binary]";
  if (value instanceof Date) return value;
  if (ancestors.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function" && !Array.isArray(value)) return redactValue(toJSON.call(value), ancestors, depth);

  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactValue(item, ancestors, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = isSecretName(key) && item !== undefined && item !== null && item !== "" ? REDACTED : redactValue(item, ancestors, depth + 1);
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

interface HttpErrorFields {
  statusCode?: unknown;
  status?: unknown;
  code?: unknown;
  details?: { errorCode?: unknown } & Record<string, unknown>;
}

/**
 * pino's error serializer, plus what an HTTP client error knows: its status, code and details. An Azure
 * RestError for a request the server refused before reading it (431 for an over-long key) has an empty
 * message, so the message then says which status came back.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const out = stdSerializers.err(error) as unknown as Record<string, unknown>;
  const { statusCode, status, code, details } = error as HttpErrorFields;
  const httpStatus = typeof statusCode === "number" ? statusCode : typeof status === "number" ? status : undefined;
  if (httpStatus !== undefined) out.statusCode = httpStatus;
  const errorCode = code ?? details?.errorCode;
  if (errorCode !== undefined) out.code = errorCode;
  if (details !== undefined) out.details = details;
  if (!out.message) {
    const said = [httpStatus !== undefined ? `HTTP ${httpStatus} ${STATUS_CODES[httpStatus] ?? ""}`.trim() : undefined, errorCode !== undefined ? String(errorCode) : undefined];
    out.message = said.filter(Boolean).join(": ") || error.name;
  }
  return out;
}
