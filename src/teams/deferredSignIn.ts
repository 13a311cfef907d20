/**
 * Teams AI's Application module requires its sign-in (OAuth / SSO) module at load, and that requires
 * botbuilder-dialogs, whose prompts load the Recognizers-Text culture tables: about 25 MB of the idle process,
 * for sign-in this app never configures. Teams AI only uses botbuilder-dialogs (and its SSO prompt, a Dialog
 * subclass) inside sign-in methods, so here those two requires, from Teams AI's authentication folder only, get
 * a stand-in that loads the real module on first use. Imported before Application (src/teams/index.ts).
 * Node offers no documented hook for a CommonJS require on Node 20; this wraps Module._load as APM agents
 * do, and does nothing where that is missing.
 */
import Module from "node:module";

type Load = (request: string, parent: { filename?: string | null } | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load?: Load & { deferredSignIn?: true } };

/** Required at load by Teams AI's sign-in files, used only when sign-in runs. */
const DEFERRED = new Set(["botbuilder-dialogs", "./TeamsBotSsoPrompt"]);
const SIGN_IN_FOLDER = /[\\/]@microsoft[\\/]teams-ai[\\/]lib[\\/]authentication[\\/][^\\/]+$/;

/** Module exports that load on first use: every property read is the real module's. */
function onFirstUse(load: () => object): object {
  let real: object | undefined;
  const target = () => (real ??= load());
  return new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(target(), key),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}

const original = loader._load;
if (typeof original === "function" && !original.deferredSignIn) {
  const deferring: Load & { deferredSignIn?: true } = function (this: unknown, request, parent, isMain) {
    if (DEFERRED.has(request) && SIGN_IN_FOLDER.test(parent?.filename ?? "")) {
      return onFirstUse(() => original.call(this, request, parent, isMain) as object);
    }
    return original.call(this, request, parent, isMain);
  };
  deferring.deferredSignIn = true;
  loader._load = deferring;
}
