/**
 * State a command keeps for the rest of a shell session (what `cat` last
 * showed, the tracer), without widening the Session interface: a weak map
 * keyed by the session object, so a session's state goes when it does.
 */
import type { Session } from "../../../src/shell/session.js";

const stores = new WeakMap<Session, Map<string, unknown>>();

/** The session's value under `key`, made by `init` the first time it is asked for. */
export function sessionState<T>(session: Session, key: string, init: () => T): T {
  let store = stores.get(session);
  if (store === undefined) {
    store = new Map();
    stores.set(session, store);
  }
  if (!store.has(key)) store.set(key, init());
  return store.get(key) as T;
}

/** The session's value under `key`, if a command has set one. */
export function peekSessionState<T>(session: Session, key: string): T | undefined {
  return stores.get(session)?.get(key) as T | undefined;
}
